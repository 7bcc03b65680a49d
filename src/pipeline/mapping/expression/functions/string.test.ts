import { describe, expect, it } from 'vitest';
import { fn, failure } from './testing.js';

describe('concat', () => {
  it('skips nulls, gives null only when every value is null, and prints numbers as Java does', () => {
    expect(fn('concat')('a', null, 'b', undefined)).toBe('ab');
    expect(fn('concat')(null, null)).toBeNull();
    expect(fn('concat')()).toBeNull();
    expect(fn('concat')('n', 1, true, 2.5)).toBe('n1true2.5');
    expect(fn('concat')('', '')).toBe('');
    expect(failure('concat', 'a', [1])).toBe('concat: input must be a string, got an array');
  });
});

describe('explode and split', () => {
  it('explode splits on a regular expression (default ","), dropping trailing empty parts as Java does', () => {
    expect(fn('explode')('a,b,,c,,')).toEqual(['a', 'b', '', 'c']);
    expect(fn('explode')('a1b22c', '\\d+')).toEqual(['a', 'b', 'c']);
    expect(fn('explode')('')).toEqual(['']);
    expect(fn('explode')(',,')).toEqual(['']);
    expect(failure('explode', 'a', '(')).toMatch(/^explode: invalid regular expression "\(": /);
  });

  it('split takes its separator literally; an empty separator gives the characters', () => {
    expect(fn('split')('a.b.c', '.')).toEqual(['a', 'b', 'c']);
    expect(fn('split')('a|b|', '|')).toEqual(['a', 'b']);
    expect(fn('split')('a,b')).toEqual(['a', 'b']);
    expect(fn('split')('é😀', '')).toEqual(['é', '😀']);
    expect(fn('split')(null, ',')).toBeNull();
  });
});

describe('instr', () => {
  it('finds the 0-based position of the n-th occurrence from a start, -1 when absent', () => {
    expect(fn('instr')('banana', 'an')).toBe(1);
    expect(fn('instr')('banana', 'an', 2)).toBe(3);
    expect(fn('instr')('banana', 'an', 0, 2)).toBe(3);
    expect(fn('instr')('banana', 'an', 0, 3)).toBe(-1);
    expect(fn('instr')('banana', 'x')).toBe(-1);
    expect(fn('instr')('banana', '')).toBe(0);
    expect(fn('instr')('banana', null)).toBeNull();
    expect(failure('instr', 'banana', 'a', 0, 0)).toBe('instr: start must not be negative and occurrence must be positive');
  });
});

describe('replacestr and substr', () => {
  it('replacestr replaces every occurrence of the search text, regex characters included', () => {
    expect(fn('replacestr')('a.b.c', '.', '+')).toBe('a+b+c');
    expect(fn('replacestr')('aaa', 'aa', 'b')).toBe('ba');
    expect(fn('replacestr')('a(b)', '(b)', '[c]')).toBe('a[c]');
  });

  it('replacestr takes "$" in the replacement literally, as Java does', () => {
    expect(fn('replacestr')('price: 5', 'price', 'US$$')).toBe('US$$: 5');
  });

  it('substr takes a 0-based start and a length clipped at the end', () => {
    expect(fn('substr')('abcdef', 2)).toBe('cdef');
    expect(fn('substr')('abcdef', 2, 100)).toBe('cdef');
    expect(fn('substr')('abcdef', 6, 1)).toBe('');
    expect(fn('substr')('abcdef', 10, 1)).toBe('');
    expect(fn('substr')('abcdef', 1, 0)).toBe('');
    expect(fn('substr')('abc', '1', '1')).toBe('b');
    expect(failure('substr', 'abc', -1)).toBe('substr: start must not be negative');
    expect(failure('substr', 'abc', 0, -1)).toBe('substr: length must not be negative');
    expect(failure('substr', 'abc', 1.5)).toBe('substr: start must be an integer, got 1.5');
  });
});

describe('case, trimming and padding', () => {
  it('changes case with the Unicode rules', () => {
    expect(fn('upper')('straße')).toBe('STRASSE');
    expect(fn('ucase')('é')).toBe('É');
    expect(fn('lower')('ÀÉÎ')).toBe('àéî');
    expect(fn('lower')(42)).toBe('42');
  });

  it('trims whitespace on one side or both', () => {
    expect([fn('ltrim')(' \t a \n'), fn('rtrim')(' \t a \n'), fn('trim')(' \t a \n'), fn('trim')('')]).toEqual(['a \n', ' \t a', 'a', '']);
  });

  it('pads to a length with a repeated, cut padding; never shortens', () => {
    expect(fn('lpad')('7', 3, '0')).toBe('007');
    expect(fn('rpad')('ab', 7, 'xyz')).toBe('abxyzxy');
    expect(fn('lpad')('abc', 2, '0')).toBe('abc');
    expect(fn('lpad')('a', 3)).toBe('  a');
    expect(fn('rpad')('a', 3, '')).toBe('a');
    expect(fn('lpad')(null, 3, '0')).toBeNull();
    expect(failure('rpad', 'a', 'three')).toBe('rpad: count must be a number, got "three"');
  });

  it('left and right take up to n characters', () => {
    expect([fn('left')('abc', 0), fn('left')('abc', 5), fn('right')('abc', 0), fn('right')('abc', 2), fn('right')('abc', 9)]).toEqual([
      '',
      'abc',
      '',
      'bc',
      'abc',
    ]);
    expect(failure('left', 'abc', -1)).toBe('left: count must not be negative');
  });
});

describe('join', () => {
  it('joins arrays and loose values, skipping nulls', () => {
    expect(fn('join')('-', ['a', null, 'b'], 'c')).toBe('a-b-c');
    expect(fn('join')(null, ['a', 'b'])).toBe('ab');
    expect(fn('join')(', ', [])).toBe('');
    expect(fn('join')(', ', null)).toBeNull();
    expect(fn('join')(', ')).toBeNull();
  });
});

describe('equals and equalsIgnoreCase', () => {
  it('compare exactly or without case; null equals only null', () => {
    expect([fn('equals')('a', 'a'), fn('equals')('a', 'A'), fn('equals')(1, '1'), fn('equals')(null, undefined), fn('equals')('a', null)]).toEqual([
      true,
      false,
      true,
      true,
      false,
    ]);
    expect([fn('equalsIgnoreCase')('Émile', 'éMILE'), fn('equalsIgnoreCase')('a', 'b')]).toEqual([true, false]);
  });
});
