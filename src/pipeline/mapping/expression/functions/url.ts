import { fnError, p, text, type FunctionDef } from './define.js';

/** Default ports of the schemes AEP's get_url_port knows. */
const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, ftp: 21, sftp: 22, ssh: 22, ws: 80, wss: 443 };

function parse(fn: string, value: unknown): URL | null {
  if (value === null || value === undefined) return null;
  const input = text(fn, value, 'url');
  try {
    return new URL(input);
  } catch {
    // An unparsable URL gives null, as the other URL functions do for missing parts.
    return null;
  }
}

const CATEGORY = 'URL';

export const URL_FUNCTIONS: FunctionDef[] = [
  {
    name: 'get_url_protocol',
    category: CATEGORY,
    description: 'The scheme of a URL, without the colon.',
    syntax: 'String get_url_protocol(String)',
    returns: 'The protocol, or null when the input is null or not a URL.',
    returnType: 'java.lang.String',
    example: 'get_url_protocol("https://platform.adobe.com/home")',
    result: '"https"',
    params: [p('url', 'string', 'The URL.')],
    impl: (args) => parse('get_url_protocol', args[0])?.protocol.replace(/:$/, '') ?? null,
  },
  {
    name: 'get_url_host',
    category: CATEGORY,
    description: 'The host name of a URL.',
    syntax: 'String get_url_host(String)',
    returns: 'The host, or null when the input is null or not a URL.',
    returnType: 'java.lang.String',
    example: 'get_url_host("https://platform.adobe.com/home")',
    result: '"platform.adobe.com"',
    params: [p('url', 'string', 'The URL.')],
    impl: (args) => {
      const url = parse('get_url_host', args[0]);
      return url && url.hostname ? url.hostname : null;
    },
  },
  {
    name: 'get_url_port',
    category: CATEGORY,
    description: "The port of a URL: the one written, else the scheme's default (http 80, https 443, ftp 21, sftp 22).",
    syntax: 'Integer get_url_port(String)',
    returns: 'The port, or null when there is none or the input is not a URL.',
    returnType: 'java.lang.Integer',
    example: 'get_url_port("sftp://example.com//home/joe/employee.csv")',
    result: '22',
    params: [p('url', 'string', 'The URL.')],
    impl: (args) => {
      const url = parse('get_url_port', args[0]);
      if (!url) return null;
      if (url.port) return Number(url.port);
      return DEFAULT_PORTS[url.protocol.replace(/:$/, '')] ?? null;
    },
  },
  {
    name: 'get_url_path',
    category: CATEGORY,
    description: 'The path of a URL; with full = true, the query and fragment too.',
    syntax: 'String get_url_path(String, Boolean)',
    returns: 'The path, or null when the input is null or not a URL.',
    returnType: 'java.lang.String',
    example: 'get_url_path("https://platform.adobe.com/home/index.html?a=1")',
    result: '"/home/index.html"',
    params: [p('url', 'string', 'The URL.'), p('full', 'boolean', 'Include the query and fragment.', { optional: true })],
    impl: (args) => {
      const url = parse('get_url_path', args[0]);
      if (!url) return null;
      return args[1] === true || args[1] === 'true' ? `${url.pathname}${url.search}${url.hash}` : url.pathname;
    },
  },
  {
    name: 'get_url_query_str',
    category: CATEGORY,
    description:
      'The query parameters of a URL as an object of name → value. The anchor argument says what to do with a fragment after the query: "retain" keeps it on the last value, "remove" drops it, "append" adds it as a parameter named "#".',
    syntax: 'Map get_url_query_str(String, String)',
    returns: 'The parameters, or null when the input is null or not a URL.',
    returnType: 'java.util.Map',
    example: 'get_url_query_str("foo://example.com:8042/over/there?name=ferret#nose", "retain")',
    result: '{"name": "ferret#nose"}',
    params: [p('url', 'string', 'The URL.'), p('anchor', 'string', 'retain, remove or append.')],
    impl: (args) => {
      const url = parse('get_url_query_str', args[0]);
      if (!url) return null;
      const anchor = args[1] === undefined || args[1] === null ? 'retain' : text('get_url_query_str', args[1], 'anchor').toLowerCase();
      if (!['retain', 'remove', 'append'].includes(anchor)) throw fnError('get_url_query_str', 'anchor must be "retain", "remove" or "append"');
      const result: Record<string, string> = {};
      const entries = [...url.searchParams];
      for (const [name, value] of entries) result[name] = value;
      if (url.hash) {
        const fragment = url.hash.slice(1);
        const last = entries[entries.length - 1];
        if (anchor === 'retain' && last) result[last[0]] = `${result[last[0]]}#${fragment}`;
        else if (anchor === 'append') result['#'] = fragment;
      }
      return result;
    },
  },
  {
    name: 'get_url_encoded',
    category: CATEGORY,
    description: 'The string percent-encoded for use in a URL (form encoding: a space becomes "+").',
    syntax: 'String get_url_encoded(String)',
    returns: 'The encoded string, or null for a null input.',
    returnType: 'java.lang.String',
    example: 'get_url_encoded("https://example.com/partneralliance_asia-pacific_2022")',
    result: '"https%3A%2F%2Fexample.com%2Fpartneralliance_asia-pacific_2022"',
    params: [p('url', 'string', 'The text to encode.')],
    // Java's URLEncoder: form encoding, which leaves only letters, digits and . - * _ unescaped.
    impl: (args) =>
      args[0] === null || args[0] === undefined
        ? null
        : encodeURIComponent(text('get_url_encoded', args[0]))
            .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
            .replace(/%20/g, '+'),
  },
  {
    name: 'get_url_decoded',
    category: CATEGORY,
    description: 'Decodes a percent-encoded string ("+" becomes a space).',
    syntax: 'String get_url_decoded(String)',
    returns: 'The decoded string, or null for a null input.',
    returnType: 'java.lang.String',
    example: 'get_url_decoded("https%3A%2F%2Fexample.com%2Fpartneralliance_asia-pacific_2022")',
    result: '"https://example.com/partneralliance_asia-pacific_2022"',
    params: [p('url', 'string', 'The text to decode.')],
    impl: (args) => {
      if (args[0] === null || args[0] === undefined) return null;
      try {
        return decodeURIComponent(text('get_url_decoded', args[0]).replace(/\+/g, ' '));
      } catch {
        throw fnError('get_url_decoded', 'malformed percent-encoding');
      }
    },
  },
];
