import { describe, expect, it } from 'vitest';
import { fn, failure } from './testing.js';

describe('hashes', () => {
  it('give the standard digests in lower-case hex (FIPS 180 and RFC 1321 test vectors)', () => {
    expect(fn('sha1')('abc')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(fn('sha256')('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(fn('sha512')('abc')).toBe(
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    );
    expect(fn('md5')('')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(fn('crc32')('123456789')).toBe('cbf43926');
  });

  it('turn text into bytes with the charset asked for, in any case', () => {
    // "é" is C3 A9 in UTF-8, E9 in ISO-8859-1, FE FF 00 E9 in Java's UTF-16, "?" in US-ASCII.
    expect(fn('md5')('é', 'utf-8')).toBe(fn('md5')('é'));
    expect(fn('crc32')('é', 'ISO-8859-1')).toBe(fn('crc32')(String.fromCharCode(0xe9), 'ISO-8859-1'));
    expect(fn('sha1')('é', 'US-ASCII')).toBe(fn('sha1')('?'));
    expect(fn('md5')('é', 'ISO-8859-1')).not.toBe(fn('md5')('é', 'UTF-8'));
    // md5 of the bytes FE FF 00 61 (computed with Python's hashlib).
    expect(fn('md5')('a', 'UTF-16')).toBe('4b936244fb81c0500598b1938266f69a');
  });

  it('hash the text of numbers, give null for null, and refuse an unknown charset', () => {
    expect(fn('sha256')(123)).toBe(fn('sha256')('123'));
    expect([fn('sha1')(null), fn('crc32')(undefined)]).toEqual([null, null]);
    expect(failure('md5', 'a', 'EBCDIC')).toBe('md5: unsupported charset "EBCDIC": use UTF-8, UTF-16, ISO-8859-1 or US-ASCII');
  });

  it('does not pad a CRC-32 with leading zeros (as Java’s Long.toHexString)', () => {
    expect(fn('crc32')('')).toBe('0');
  });
});

describe('regular expressions', () => {
  it('extract_regex gives the whole match then each group, null for a group that did not take part', () => {
    expect(fn('extract_regex')('order-42-x', '(\\d+)-(y)?')).toEqual(['42-', '42', null]);
    expect(fn('extract_regex')('abc', '\\d')).toBeNull();
    expect(fn('extract_regex')(null, '.')).toBeNull();
  });

  it('matches_regex needs the whole input to match, as Java’s matches()', () => {
    expect([fn('matches_regex')('abc', 'b'), fn('matches_regex')('abc', 'a.c'), fn('matches_regex')('ab|x', 'ab|x')]).toEqual([false, true, false]);
    expect(fn('matches_regex')('x', 'ab|x')).toBe(true);
  });

  it('translates Java’s \\A, \\Z and possessive quantifiers', () => {
    expect(fn('matches_regex')('aaa', '\\Aa++\\Z')).toBe(true);
    expect(fn('extract_regex')('xxab', 'x*+a')).toEqual(['xxa']);
  });

  it('fails a malformed expression with MAPPER-2004', () => {
    expect(failure('matches_regex', 'a', '(')).toMatch(/^matches_regex: invalid regular expression "\^\(\?:\(\)\$": /);
    expect(failure('extract_regex', 'a', '[')).toMatch(/^extract_regex: invalid regular expression "\[": /);
  });
});
