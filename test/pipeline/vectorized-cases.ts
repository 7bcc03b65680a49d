/**
 * One case per Data Prep function with no SQL twin (the plan writes concat, lower/upper and the
 * trims in SQL), for the engine parity test: an expression over input columns `$a`, `$b`…, the
 * schema field it fills, inputs that land and inputs that fail the row. Functions that cannot fail
 * on text inputs fail through their result instead: a value their field refuses (too long, out of
 * range, not in the enum, not a string).
 */
export interface VectorizedCase {
  expr: string;
  field?: Record<string, unknown>;
  good: string[][];
  bad: string[][];
  /** The value differs on every call (uuid): compared by shape, not by value. */
  volatile?: boolean;
}

const INT = { type: 'integer', 'meta:xdmType': 'int', minimum: -2147483648, maximum: 2147483647 };
const LONG = { type: 'integer', 'meta:xdmType': 'long', minimum: -9007199254740991, maximum: 9007199254740991 };
const NUMBER = { type: 'number' };
const BOOLEAN = { type: 'boolean' };
const DATE_TIME = { type: 'string', format: 'date-time', 'meta:xdmType': 'date-time' };
const short = (maxLength: number) => ({ type: 'string', maxLength });
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 5_1_1 like Mac OS X) AppleWebKit/534.46 (KHTML, like Gecko) Version/5.1 Mobile/9B206 Safari/7534.48.3';
const WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

export const VECTORIZED_CASES: Record<string, VectorizedCase> = {
  explode: { expr: 'join("|", explode($a, $b))', good: [['a b c', ' ']], bad: [['abc', '[']] },
  instr: { expr: 'instr($a, $b, $c)', field: INT, good: [['adobe.com', 'com', '1']], bad: [['adobe.com', 'o', '-1']] },
  replacestr: { expr: 'replacestr($a, $b, "")', field: INT, good: [['1x2', 'x']], bad: [['1x2', '1']] },
  substr: { expr: 'upper(substr($a, $b, $c))', good: [['This is a test', '0', '4']], bad: [['abc', 'x', '2']] },
  split: { expr: 'join(",", split($a, $b))', field: short(3), good: [['a;b', ';']], bad: [['aa;bb', ';']] },
  join: { expr: 'join($b, split($a, ","))', field: short(3), good: [['x,y', '-']], bad: [['xx,yy', '-']] },
  lpad: { expr: 'lpad($a, $b, $c)', good: [['bat', '8', 'yz']], bad: [['bat', 'eight', 'y']] },
  rpad: { expr: 'rpad($a, $b, $c)', good: [['bat', '8', 'yz']], bad: [['bat', '1.5', 'y']] },
  left: { expr: 'left($a, $b)', good: [['abcde', '2']], bad: [['abc', '-1']] },
  right: { expr: 'right($a, $b)', good: [['abcde', '2']], bad: [['abc', '-1']] },
  equals: { expr: 'equals($a, $b)', field: short(4), good: [['x', 'x']], bad: [['x', 'X']] },
  equalsIgnoreCase: { expr: '$a.equalsIgnoreCase($b)', field: short(4), good: [['x', 'X']], bad: [['x', 'y']] },
  extract_regex: { expr: 'join("|", extract_regex($a, $b))', good: [['E259,E259B_009,1_1', '([^,]+),[^,]*,([^,]+)']], bad: [['abc', '(']] },
  matches_regex: {
    expr: 'matches_regex($a, $b)',
    field: BOOLEAN,
    good: [
      ['abc', 'a.c'],
      ['abc', 'x'],
    ],
    bad: [['abc', '[']],
  },
  sha1: { expr: 'sha1($a, $b)', good: [['my text', 'UTF-8']], bad: [['my text', 'EBCDIC']] },
  sha256: {
    expr: 'sha256($a, $b)',
    good: [
      ['my text', 'UTF-8'],
      ['Zürich', ''],
    ],
    bad: [['my text', 'UTF-32']],
  },
  sha512: { expr: 'sha512($a, $b)', good: [['my text', 'ISO-8859-1']], bad: [['my text', 'UTF-32']] },
  md5: { expr: 'md5($a, $b)', good: [['my text', 'UTF-16']], bad: [['my text', 'EBCDIC']] },
  crc32: { expr: 'crc32($a, $b)', good: [['The quick brown fox jumps over the lazy dog', '']], bad: [['x', 'EBCDIC']] },
  get_url_protocol: { expr: 'get_url_protocol($a)', field: short(5), good: [['https://platform.adobe.com/home']], bad: [['custom-scheme://x']] },
  get_url_host: {
    expr: 'get_url_host($a)',
    field: short(20),
    good: [['https://platform.adobe.com/home']],
    bad: [['https://a-very-long-host-name.example.com/']],
  },
  get_url_port: { expr: 'get_url_port($a)', field: { ...INT, maximum: 1000 }, good: [['sftp://example.com/x']], bad: [['http://example.com:8080/']] },
  get_url_path: {
    expr: 'get_url_path($a, $b)',
    field: short(16),
    good: [['https://a.example/home/x.html?q=1', 'true']],
    bad: [['https://a.example/home/x.html?q=12', 'true']],
  },
  get_url_query_str: {
    expr: 'get_url_query_str($a, $b).get("name")',
    good: [['foo://example.com:8042/over/there?name=ferret#nose', 'retain']],
    bad: [['https://a.example/?a=1', 'keep']],
  },
  get_url_encoded: { expr: 'get_url_encoded($a)', field: short(7), good: [['a b/c']], bad: [['a b/c/d']] },
  get_url_decoded: { expr: 'get_url_decoded($a)', good: [['a+b%2Fc']], bad: [['%E0%A4%A']] },
  now: { expr: 'set_date_part("m", $a, now())', field: DATE_TIME, good: [['5']], bad: [['13']] },
  timestamp: { expr: 'timestamp() - $a', field: LONG, good: [['1000']], bad: [['x']] },
  format: { expr: 'format($a, $b)', good: [['2019-10-23T11:24:35Z', 'yyyy-MM-dd HH:mm:ss']], bad: [['yesterday', 'yyyy']] },
  dformat: { expr: 'dformat($a, $b)', good: [['1571829875000', "yyyy-MM-dd'T'HH:mm:ss.SSSX"]], bad: [['1571829875000', 'yyyy-MM-dd qqqqqqq']] },
  date: {
    expr: 'date($a, $b)',
    field: DATE_TIME,
    good: [
      ['2019-10-23 11:24', 'yyyy-MM-dd HH:mm'],
      ['2019-10-23T11:24:35+02:00', ''],
    ],
    bad: [['2019', 'yyyy qqqqqqq']],
  },
  date_part: { expr: 'date_part($a, date($b))', field: INT, good: [['MM', '2019-10-17 11:55:12']], bad: [['fortnight', '2019-10-17']] },
  set_date_part: {
    expr: 'set_date_part($a, $b, date($c))',
    field: DATE_TIME,
    good: [['m', '4', '2016-11-09T11:44:44.797Z']],
    bad: [['m', '13', '2016-11-09']],
  },
  make_date_time: {
    expr: 'make_date_time($a, $b, $c, 11, 55, 12, 0, "America/Los_Angeles")',
    field: DATE_TIME,
    good: [['2019', '10', '17']],
    bad: [['2019', '13', '17']],
  },
  zone_date_to_utc: { expr: 'zone_date_to_utc($a)', field: DATE_TIME, good: [['2019-10-17T11:55:12-08:00']], bad: [['soon']] },
  zone_date_to_zone: {
    expr: 'zone_date_to_zone($a, $b)',
    field: DATE_TIME,
    good: [['2019-10-17T11:55:12Z', 'Europe/Paris']],
    bad: [['2019-10-17T11:55:12Z', 'Nowhere/Land']],
  },
  is_empty: { expr: 'is_empty($a)', field: short(4), good: [['']], bad: [['x']] },
  arrays_to_object: { expr: 'size_of(arrays_to_object("sku", json_to_object($a)))', field: INT, good: [['["s1","s2"]']], bad: [['"s1"']] },
  to_object: { expr: 'join(",", get_keys(to_object($a, $b)))', good: [['k', 'v']], bad: [['', 'v']] },
  str_to_object: {
    expr: 'str_to_object($a, $b, $c).get("firstName")',
    field: short(4),
    good: [['firstName - John ; lastName - Doe', '-', ';']],
    bad: [['firstName - Johnny ; lastName - Doe', '-', ';']],
  },
  contains_key: {
    expr: 'contains_key(json_to_object($a), $b)',
    field: BOOLEAN,
    good: [
      ['{"id":1}', 'id'],
      ['{"x":1}', 'id'],
    ],
    bad: [['"text"', 'id']],
  },
  nullify: { expr: 'coalesce(nullify(), $a)', field: short(1), good: [['x']], bad: [['xy']] },
  get_keys: { expr: 'join(",", get_keys(json_to_object($a)))', good: [['{"a":1,"b":2}']], bad: [['"text"']] },
  get_values: {
    expr: 'get_values($a, $b, $c, $d)',
    field: short(4),
    good: [['firstName - John , lastName - Cena', 'firstName', '-', ',']],
    bad: [['firstName - Johnny , lastName - Cena', 'firstName', '-', ',']],
  },
  map_get_values: { expr: 'size_of(map_get_values(json_to_object($a), ["a", "c"]))', field: INT, good: [['{"a":1,"b":2,"c":3}']], bad: [['"text"']] },
  map_has_keys: { expr: 'map_has_keys(json_to_object($a), ["a", "z"])', field: BOOLEAN, good: [['{"a":1}']], bad: [['[1]']] },
  add_to_map: { expr: 'size_of(add_to_map(json_to_object($a), to_object("b", 2)))', field: INT, good: [['{"a":1}']], bad: [['"text"']] },
  coalesce: {
    expr: 'coalesce($a, $b)',
    field: short(3),
    good: [
      ['', 'x'],
      ['ab', 'x'],
    ],
    bad: [['abcd', 'x']],
  },
  first: { expr: 'first($a, $b)', field: short(3), good: [['ab', 'x']], bad: [['abcd', 'x']] },
  last: { expr: 'last($a, $b)', field: short(3), good: [['ab', 'x']], bad: [['x', 'abcd']] },
  add_to_array: { expr: 'join(",", add_to_array(json_to_object($a), $b))', good: [['["a","b"]', 'c']], bad: [['"a"', 'c']] },
  join_arrays: {
    expr: 'size_of(join_arrays(split($a, ","), split($b, ",")))',
    field: { ...INT, maximum: 3 },
    good: [['a,b', 'c']],
    bad: [['a,b', 'c,d']],
  },
  to_array: { expr: 'size_of(to_array($a, $b, $c))', field: INT, good: [['false', '1', '']], bad: [['maybe', '1', '2']] },
  size_of: { expr: 'size_of(split($a, ","))', field: { ...INT, maximum: 3 }, good: [['a,b']], bad: [['a,b,c,d']] },
  upsert_array_append: { expr: 'join(",", upsert_array_append(json_to_object($a)))', good: [['["a","b"]']], bad: [['"x"']] },
  upsert_array_replace: { expr: 'join(",", upsert_array_replace(json_to_object($a)))', good: [['["a","b"]']], bad: [['1']] },
  decode: { expr: 'decode($a, "ca", "California", "pa", "Pennsylvania", "N/A")', field: short(10), good: [['ca'], ['xx']], bad: [['pa']] },
  iif: { expr: 'iif($a, "yes", "no")', good: [['true'], ['FALSE']], bad: [['maybe']] },
  min: { expr: 'min($a, $b)', field: { ...INT, maximum: 5 }, good: [['3', '4']], bad: [['7', '9']] },
  max: { expr: 'max($a, $b)', field: { ...INT, maximum: 5 }, good: [['3', '4']], bad: [['1', '9']] },
  to_bigint: { expr: 'to_bigint($a)', field: LONG, good: [['1000000.34']], bad: [['lots']] },
  to_decimal: { expr: 'to_decimal($a)', field: NUMBER, good: [['20.5']], bad: [['x']] },
  to_float: { expr: 'to_float($a)', field: NUMBER, good: [['12.3456']], bad: [['x']] },
  to_integer: { expr: 'to_integer($a)', field: INT, good: [['12']], bad: [['99999999999']] },
  json_to_object: { expr: 'json_to_object($a).get("k")', good: [['{"k":"v"}']], bad: [['{oops']] },
  uuid: { expr: 'concat(uuid(), $a)', field: short(36), good: [['']], bad: [['x']], volatile: true },
  guid: { expr: 'concat(guid(), $a)', field: short(36), good: [['']], bad: [['x']], volatile: true },
  fpid_to_ecid: {
    expr: 'fpid_to_ecid($a)',
    field: { type: 'string', enum: ['73496863882001560885784697013432984581'] },
    good: [['4ed70bee-b654-420a-a3fd-b58b6b65e991']],
    bad: [['not a uuid']],
  },
  ua_os_name: { expr: 'ua_os_name($a)', field: short(3), good: [[IPHONE]], bad: [[WINDOWS]] },
  ua_os_version_major: { expr: 'ua_os_version_major($a)', field: short(5), good: [[IPHONE]], bad: [[WINDOWS]] },
  ua_os_version: { expr: 'ua_os_version($a)', field: short(4), good: [[WINDOWS]], bad: [[IPHONE]] },
  ua_os_name_version: { expr: 'ua_os_name_version($a)', field: short(9), good: [[IPHONE]], bad: [[WINDOWS]] },
  ua_agent_version: { expr: 'ua_agent_version($a)', field: short(3), good: [[IPHONE]], bad: [[WINDOWS]] },
  ua_agent_version_major: { expr: 'ua_agent_version_major($a)', field: short(8), good: [[IPHONE]], bad: [[WINDOWS]] },
  ua_agent_name: { expr: 'ua_agent_name($a)', field: { type: 'string', enum: ['Safari'] }, good: [[IPHONE]], bad: [[WINDOWS]] },
  ua_device_class: { expr: 'ua_device_class($a)', field: { type: 'string', enum: ['Phone'] }, good: [[IPHONE]], bad: [[WINDOWS]] },
  // Not functions, but forms the plan used to refuse: operators, methods, conditionals, literals of every type.
  operators: { expr: '$a * 2 + 0.5', field: NUMBER, good: [['3'], ['-1.25']], bad: [['x']] },
  conditional: { expr: '$a > 3 ? true : 1', field: { type: 'string', enum: ['true'] }, good: [['5']], bad: [['2']] },
  methods: { expr: '$a.substring($b).toUpperCase()', good: [['abc', '1']], bad: [['abc', 'x']] },
  // An array or object where a scalar goes: the plan flags the row, the mapper writes its TYPE error.
  non_scalar_result: { expr: 'json_to_object($a)', good: [['"text"']], bad: [['[1]'], ['{"a":1}']] },
};
