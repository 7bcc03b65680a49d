import { describe, expect, it } from 'vitest';
import { assertTransition, canMove, FINAL_RUN_STATUSES, IllegalRunTransition, isFinal, runOutcome, statusesBefore } from './run-states.js';

describe('run states', () => {
  it('allows the lifecycle and nothing out of a final status', () => {
    expect(canMove('pending', 'inProgress')).toBe(true);
    expect(canMove('inProgress', 'partialSuccess')).toBe(true);
    expect(canMove('inProgress', 'pending')).toBe(true);
    expect(canMove('pending', 'success')).toBe(false);
    for (const final of FINAL_RUN_STATUSES) {
      expect(isFinal(final)).toBe(true);
      expect(() => assertTransition(final, 'inProgress')).toThrow(IllegalRunTransition);
    }
    expect(isFinal('inProgress')).toBe(false);
  });

  it('knows what a conditional update must require', () => {
    expect(statusesBefore('inProgress')).toEqual(['pending', 'inProgress']);
    expect(statusesBefore('failed')).toEqual(['inProgress']);
    expect(statusesBefore('pending')).toEqual(['inProgress']);
    expect(statusesBefore('cancelled')).toEqual(['pending', 'inProgress']);
  });

  it('names the outcome from what landed and what was lost', () => {
    expect(runOutcome({ landed: true, failedRecords: 0, failedFiles: 0 })).toBe('success');
    expect(runOutcome({ landed: true, failedRecords: 3, failedFiles: 0 })).toBe('partialSuccess');
    expect(runOutcome({ landed: true, failedRecords: 0, failedFiles: 1 })).toBe('partialSuccess');
    expect(runOutcome({ landed: false, failedRecords: 0, failedFiles: 0 })).toBe('failed');
  });
});
