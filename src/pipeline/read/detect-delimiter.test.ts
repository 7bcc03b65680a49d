import { describe, expect, it } from 'vitest';
import { detectDelimiter } from './detect-delimiter.js';

describe('detectDelimiter', () => {
  it('finds a comma, a semicolon, a tab and a pipe', () => {
    expect(detectDelimiter('id,name\n1,a\n2,b\n')).toBe(',');
    expect(detectDelimiter('id;name;price\n1;a;2,5\n2;b;3,0\n')).toBe(';');
    expect(detectDelimiter('id\tname\n1\ta, b\n')).toBe('\t');
    expect(detectDelimiter('id|name\n1|a\n')).toBe('|');
  });

  it('counts only delimiters outside quotes', () => {
    expect(detectDelimiter('id;note\n1;"a, b, c"\n2;"d, e"\n')).toBe(';');
    expect(detectDelimiter('"a;b",c\n"d;e",f\n')).toBe(',');
  });

  it('prefers the candidate that agrees with the header on most lines, then the one with more fields', () => {
    // Commas appear in the values, but only semicolons split every line alike.
    expect(detectDelimiter('a;b\n1,5;2\n3;4,25,1\n5;6\n')).toBe(';');
    expect(detectDelimiter('a,b;c\n1,2;3\n')).toBe(',');
  });

  it('leaves out a last line cut short, and falls back to a comma', () => {
    expect(detectDelimiter('a;b;c\n1;2;3\n4;5')).toBe(';');
    expect(detectDelimiter('single column\nvalue\n')).toBe(',');
    expect(detectDelimiter('')).toBe(',');
  });
});
