import { describe, expect, it } from 'vitest';
import { fn, failure } from './testing.js';

const URL_TEXT = 'https://user:pw@Shop.Example.com:8443/a%20b/c.html?x=1&y=two&x=3#frag';

describe('URL parts', () => {
  it('reads protocol, host (lower-cased), port and path', () => {
    expect(fn('get_url_protocol')(URL_TEXT)).toBe('https');
    expect(fn('get_url_host')(URL_TEXT)).toBe('shop.example.com');
    expect(fn('get_url_port')(URL_TEXT)).toBe(8443);
    expect(fn('get_url_path')(URL_TEXT)).toBe('/a%20b/c.html');
    expect(fn('get_url_path')(URL_TEXT, 'true')).toBe('/a%20b/c.html?x=1&y=two&x=3#frag');
  });

  it('gives the default port of known schemes, null for others', () => {
    expect(['http://a', 'https://a', 'ftp://a', 'sftp://a', 'wss://a', 'gopher://a'].map((u) => fn('get_url_port')(u))).toEqual([
      80,
      443,
      21,
      22,
      443,
      null,
    ]);
  });

  it('gives null for null, for text that is no URL, and for a URL without a host', () => {
    expect([
      fn('get_url_host')(null),
      fn('get_url_host')('not a url'),
      fn('get_url_protocol')('/relative/path'),
      fn('get_url_host')('mailto:a@b.c'),
    ]).toEqual([null, null, null, null]);
    expect(fn('get_url_host')('http://[::1]:80/')).toBe('[::1]');
    expect(fn('get_url_host')('http://bücher.de/')).toBe('xn--bcher-kva.de');
  });
});

describe('get_url_query_str', () => {
  it('gives the parameters (the last of a repeated name wins) and places the fragment as asked', () => {
    expect(fn('get_url_query_str')(URL_TEXT, 'retain')).toEqual({ x: '3#frag', y: 'two' });
    expect(fn('get_url_query_str')(URL_TEXT, 'remove')).toEqual({ x: '3', y: 'two' });
    expect(fn('get_url_query_str')(URL_TEXT, 'APPEND')).toEqual({ x: '3', y: 'two', '#': 'frag' });
    expect(fn('get_url_query_str')('http://a/?q=caf%C3%A9+cr%C3%A8me')).toEqual({ q: 'café crème' });
    expect(fn('get_url_query_str')('http://a/')).toEqual({});
    expect(failure('get_url_query_str', URL_TEXT, 'keep')).toBe('get_url_query_str: anchor must be "retain", "remove" or "append"');
  });
});

describe('get_url_encoded and get_url_decoded', () => {
  it('encode as Java’s URLEncoder: space as +, only letters, digits and . - * _ left as they are', () => {
    expect(fn('get_url_encoded')("a b&c=d/é!'()~*._-")).toBe('a+b%26c%3Dd%2F%C3%A9%21%27%28%29%7E*._-');
    expect(fn('get_url_encoded')('')).toBe('');
    expect(fn('get_url_encoded')(null)).toBeNull();
  });

  it('decode + as space and percent escapes as UTF-8, refusing broken escapes', () => {
    expect(fn('get_url_decoded')('a+b%26c%3Dd%2F%C3%A9%F0%9F%98%80')).toBe('a b&c=d/é😀');
    expect(failure('get_url_decoded', '100%')).toBe('get_url_decoded: malformed percent-encoding');
    expect(failure('get_url_decoded', '%C3')).toBe('get_url_decoded: malformed percent-encoding');
  });
});
