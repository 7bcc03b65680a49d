import { describe, expect, it } from 'vitest';
import { QuerySlots, SlotWaitEnded } from './query-slots.js';

describe('QuerySlots', () => {
  it('hands slots out in order of asking, and a released slot goes to the first in line, not a newcomer', async () => {
    const slots = new QuerySlots(1);
    const order: string[] = [];
    const first = await slots.acquire();
    const waiters = ['b', 'c'].map((name) => slots.acquire().then((release) => (order.push(name), release)));
    expect(slots.queued).toBe(2);
    first();
    const b = await waiters[0]!;
    // A newcomer asks while "c" waits: it queues behind "c".
    const late = slots.acquire().then((release) => (order.push('late'), release));
    b();
    (await waiters[1]!)();
    (await late)();
    expect(order).toEqual(['b', 'c', 'late']);
    expect([slots.running, slots.queued]).toEqual([0, 0]);
  });

  it('lets a waiter leave the line when it is cancelled or waits too long, without taking a slot', async () => {
    const slots = new QuerySlots(1);
    const held = await slots.acquire();
    const abort = new AbortController();
    const cancelled = slots.acquire({ signal: abort.signal });
    const timedOut = slots.acquire({ waitMs: 1 });
    abort.abort();
    await expect(cancelled).rejects.toEqual(new SlotWaitEnded('cancelled'));
    await expect(timedOut).rejects.toEqual(new SlotWaitEnded('timeout'));
    expect(slots.queued).toBe(0);
    held();
    held(); // a second release is ignored
    expect(slots.running).toBe(0);
    (await slots.acquire())();
  });
});
