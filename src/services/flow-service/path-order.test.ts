import { describe, expect, it } from 'vitest';
import { comparePaths } from './path-order.js';

const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

describe('comparePaths', () => {
  it('orders as UTF-8 bytes do, where UTF-16 code units would not', () => {
    // U+1F600 (a surrogate pair) is above U+FF5E in code points, below it in UTF-16 code units.
    expect('/😀' < '/～').toBe(true);
    expect(comparePaths('/😀', '/～')).toBeGreaterThan(0);
    expect(Math.sign(comparePaths('/😀', '/～'))).toBe(byBytes('/😀', '/～'));
  });

  it('agrees with byte order on a mixed sample, prefixes and equal strings included', () => {
    const paths = ['/a', '/a/b', '/a.csv', '/A', '/é', '/e', '/～', '/😀', '/😀/x', '/\uE000', '/z', '', '/a/b'];
    const ours = [...paths].sort(comparePaths);
    expect(ours).toEqual([...paths].sort(byBytes));
    expect(comparePaths('/a/b', '/a/b')).toBe(0);
    expect(comparePaths('/a', '/a/b')).toBeLessThan(0);
  });
});
