import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../src/pipeline/mapping/expression/evaluate.js';
import { FUNCTION_DEFS } from '../../src/pipeline/mapping/expression/functions/index.js';

/**
 * Every Data Prep function with a value, with a null, and with an input it cannot work with.
 * `bad` is either the row error code the call must throw, or the value AEP gives instead (the URL,
 * date and user-agent readers answer null for text they cannot read).
 */
type Case = { value: [string, unknown]; nul: [string, unknown]; bad: [string, string | { is: unknown }] };
const R = {
  s: 'Hello World',
  n: null,
  obj: { a: 1 },
  ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 5_1_1 like Mac OS X) AppleWebKit/534.46 (KHTML, like Gecko) Version/5.1 Mobile/9B206 Safari/7534.48.3',
};
const FAIL = 'MAPPER-2004';
const IPHONE = 'ua';

const CASES: Record<string, Case> = {
  concat: { value: ['concat("Hi, ", "there", "!")', 'Hi, there!'], nul: ['concat(n, n)', null], bad: ['concat("a", obj)', FAIL] },
  explode: { value: ['explode("Hi, there!", " ")', ['Hi,', 'there!']], nul: ['explode(n)', null], bad: ['explode(s, "[")', FAIL] },
  instr: { value: ['instr("adobe.com", "com")', 6], nul: ['instr(n, "a")', null], bad: ['instr(s, "o", -1)', FAIL] },
  replacestr: { value: ['replacestr("a-b-c", "-", "+")', 'a+b+c'], nul: ['replacestr(n, "a", "b")', null], bad: ['replacestr(obj, "a", "b")', FAIL] },
  substr: { value: ['substr("This is a substring test", 7, 8)', ' a subst'], nul: ['substr(n, 1, 2)', null], bad: ['substr(s, "x", 2)', FAIL] },
  lower: { value: ['lower("HeLLo")', 'hello'], nul: ['lower(n)', null], bad: ['lower(obj)', FAIL] },
  upper: { value: ['ucase("HeLLo")', 'HELLO'], nul: ['upper(n)', null], bad: ['upper(obj)', FAIL] },
  split: { value: ['split("Hello world", " ")', ['Hello', 'world']], nul: ['split(n, " ")', null], bad: ['split(obj, " ")', FAIL] },
  join: { value: ['join(" ", to_array(true, "Hello", "world"))', 'Hello world'], nul: ['join(" ", n)', null], bad: ['join(" ", obj)', FAIL] },
  lpad: { value: ['lpad("bat", 8, "yz")', 'yzyzybat'], nul: ['lpad(n, 8, "y")', null], bad: ['lpad("bat", "eight", "y")', FAIL] },
  rpad: { value: ['rpad("bat", 8, "yz")', 'batyzyzy'], nul: ['rpad(n, 8, "y")', null], bad: ['rpad("bat", 1.5, "y")', FAIL] },
  left: { value: ['left("abcde", 2)', 'ab'], nul: ['left(n, 2)', null], bad: ['left("abc", -1)', FAIL] },
  right: { value: ['right("abcde", 2)', 'de'], nul: ['right(n, 2)', null], bad: ['right("abc", -1)', FAIL] },
  ltrim: { value: ['ltrim("  hi ")', 'hi '], nul: ['ltrim(n)', null], bad: ['ltrim(obj)', FAIL] },
  rtrim: { value: ['rtrim("  hi ")', '  hi'], nul: ['rtrim(n)', null], bad: ['rtrim(obj)', FAIL] },
  trim: { value: ['trim("  hi ")', 'hi'], nul: ['trim(n)', null], bad: ['trim(obj)', FAIL] },
  equals: { value: ['"string1".equals("STRING1")', false], nul: ['equals(n, n)', true], bad: ['equals(obj, "a")', FAIL] },
  equalsIgnoreCase: {
    value: ['"string1".equalsIgnoreCase("STRING1")', true],
    nul: ['equalsIgnoreCase(n, "a")', false],
    bad: ['equalsIgnoreCase(obj, "a")', FAIL],
  },
  extract_regex: {
    value: ['extract_regex("E259,E259B_009,1_1", "([^,]+),[^,]*,([^,]+)")', ['E259,E259B_009,1_1', 'E259', '1_1']],
    nul: ['extract_regex(n, "a")', null],
    bad: ['extract_regex(s, "(")', FAIL],
  },
  matches_regex: {
    value: ['matches_regex("E259,E259B_009,1_1", "([^,]+),[^,]*,([^,]+)")', true],
    nul: ['matches_regex(n, "a")', null],
    bad: ['matches_regex(s, "[")', FAIL],
  },
  sha1: { value: ['sha1("my text", "UTF-8")', 'c3599c11e47719df18a2448690840c5dfcce3c80'], nul: ['sha1(n)', null], bad: ['sha1(s, "EBCDIC")', FAIL] },
  sha256: { value: ['sha256("my text")', expect.stringMatching(/^[0-9a-f]{64}$/)], nul: ['sha256(n)', null], bad: ['sha256(obj)', FAIL] },
  sha512: {
    value: ['sha512("my text", "ISO-8859-1")', expect.stringMatching(/^[0-9a-f]{128}$/)],
    nul: ['sha512(n)', null],
    bad: ['sha512(s, "UTF-32")', FAIL],
  },
  md5: { value: ['md5("my text", "UTF-16")', expect.stringMatching(/^[0-9a-f]{32}$/)], nul: ['md5(n)', null], bad: ['md5(obj)', FAIL] },
  crc32: { value: ['crc32("The quick brown fox jumps over the lazy dog")', '414fa339'], nul: ['crc32(n)', null], bad: ['crc32(s, 5)', FAIL] },
  get_url_protocol: {
    value: ['get_url_protocol("https://platform.adobe.com/home")', 'https'],
    nul: ['get_url_protocol(n)', null],
    bad: ['get_url_protocol("not a url")', { is: null }],
  },
  get_url_host: {
    value: ['get_url_host("https://platform.adobe.com/home")', 'platform.adobe.com'],
    nul: ['get_url_host(n)', null],
    bad: ['get_url_host(obj)', FAIL],
  },
  get_url_port: {
    value: ['get_url_port("sftp://example.com//home/joe/employee.csv")', 22],
    nul: ['get_url_port(n)', null],
    bad: ['get_url_port("::")', { is: null }],
  },
  get_url_path: {
    value: ['get_url_path("https://a.example/home/x.html?q=1", true)', '/home/x.html?q=1'],
    nul: ['get_url_path(n)', null],
    bad: ['get_url_path("nope")', { is: null }],
  },
  get_url_query_str: {
    value: ['get_url_query_str("foo://example.com:8042/over/there?name=ferret#nose", "retain")', { name: 'ferret#nose' }],
    nul: ['get_url_query_str(n, "retain")', null],
    bad: ['get_url_query_str("https://a.example/?a=1", "keep")', FAIL],
  },
  get_url_encoded: { value: ['get_url_encoded("a b/c")', 'a+b%2Fc'], nul: ['get_url_encoded(n)', null], bad: ['get_url_encoded(obj)', FAIL] },
  get_url_decoded: { value: ['get_url_decoded("a+b%2Fc")', 'a b/c'], nul: ['get_url_decoded(n)', null], bad: ['get_url_decoded("%E0%A4%A")', FAIL] },
  now: { value: ['matches_regex(format(now(), "yyyy"), "\\\\d{4}")', true], nul: ['iif(n, now(), n)', null], bad: ['now() + obj', FAIL] },
  timestamp: { value: ['timestamp() > 1600000000000', true], nul: ['iif(n, timestamp(), n)', null], bad: ['timestamp() - obj', FAIL] },
  format: {
    value: ['format(date("2019-10-23T11:24:35Z"), "yyyy-MM-dd HH:mm:ss")', '2019-10-23 11:24:35'],
    nul: ['format(n, "yyyy")', null],
    bad: ['format("yesterday", "yyyy")', FAIL],
  },
  dformat: {
    value: [`dformat(1571829875000, "yyyy-MM-dd'T'HH:mm:ss.SSSX")`, '2019-10-23T11:24:35.000Z'],
    nul: ['dformat(n, "yyyy")', null],
    bad: ['dformat(1571829875000, "yyyy-MM-dd qqqqqqq")', FAIL],
  },
  date: {
    value: ['date("2019-10-23 11:24", "yyyy-MM-dd HH:mm", now())', '2019-10-23T11:24:00Z'],
    nul: ['date(n)', null],
    bad: ['date("23/10/2019", "yyyy-MM-dd")', { is: null }],
  },
  date_part: {
    value: ['date_part("MM", date("2019-10-17 11:55:12"))', 10],
    nul: ['date_part("MM", n)', null],
    bad: ['date_part("fortnight", date("2019-10-17"))', FAIL],
  },
  set_date_part: {
    value: ['set_date_part("m", 4, date("2016-11-09T11:44:44.797Z"))', '2016-04-09T11:44:44.797Z'],
    nul: ['set_date_part("m", 4, n)', null],
    bad: ['set_date_part("m", 13, date("2016-11-09"))', FAIL],
  },
  make_date_time: {
    value: ['make_date_time(2019, 10, 17, 11, 55, 12, 999, "America/Los_Angeles")', '2019-10-17T11:55:12.000000999-07:00'],
    nul: ['make_date_time(n, 10, 17)', null],
    bad: ['make_date_time(2019, 10, 17, 11, 55, 12, 0, "Mars/Olympus")', FAIL],
  },
  zone_date_to_utc: {
    value: ['zone_date_to_utc(date("2019-10-17T11:55:12-08:00"))', '2019-10-17T19:55:12Z'],
    nul: ['zone_date_to_utc(n)', null],
    bad: ['zone_date_to_utc("soon")', FAIL],
  },
  zone_date_to_zone: {
    value: ['zone_date_to_zone(date("2019-10-17T11:55:12Z"), "Europe/Paris")', '2019-10-17T13:55:12+02:00'],
    nul: ['zone_date_to_zone(n, "UTC")', null],
    bad: ['zone_date_to_zone(now(), "Nowhere/Land")', FAIL],
  },
  is_empty: { value: ['is_empty([1, null, 2, 3])', false], nul: ['is_empty(n)', true], bad: ['is_empty("")', { is: true }] },
  arrays_to_object: {
    value: [
      'arrays_to_object("sku", ["s1", "s2"], "price", [1.5, 2])',
      [
        { sku: 's1', price: 1.5 },
        { sku: 's2', price: 2 },
      ],
    ],
    nul: ['arrays_to_object("sku", n)', []],
    bad: ['arrays_to_object("sku", "s1")', FAIL],
  },
  to_object: {
    value: ['to_object("firstName", "John", "lastName", "Doe")', { firstName: 'John', lastName: 'Doe' }],
    nul: ['to_object("a", n)', { a: null }],
    bad: ['to_object("a")', FAIL],
  },
  str_to_object: {
    value: ['str_to_object("firstName - John ; lastName - Doe", "-", ";")', { firstName: 'John', lastName: 'Doe' }],
    nul: ['str_to_object(n)', null],
    bad: ['str_to_object("a:1", "", ",")', FAIL],
  },
  contains_key: {
    value: ['contains_key(to_object("id", 1), "id")', true],
    nul: ['contains_key(n, "id")', false],
    bad: ['contains_key("text", "id")', FAIL],
  },
  nullify: { value: ['nullify()', null], nul: ['coalesce(nullify(), n)', null], bad: ['nullify(1)', 'MAPPER-2002'] },
  get_keys: {
    value: ['get_keys(to_object("book1", "a", "book2", "b"))', ['book1', 'book2']],
    nul: ['get_keys(n)', null],
    bad: ['get_keys("text")', FAIL],
  },
  get_values: {
    value: ['get_values("firstName - John , lastName - Cena", "firstName", "-", ",")', 'John'],
    nul: ['get_values(n, "a", ":")', null],
    bad: ['get_values("a:1", "a", "", ",")', FAIL],
  },
  map_get_values: {
    value: ['map_get_values(to_object("a", 1, "b", 2, "c", 3), ["a", "c"])', { a: 1, c: 3 }],
    nul: ['map_get_values(n, ["a"])', null],
    bad: ['map_get_values("text", ["a"])', FAIL],
  },
  map_has_keys: {
    value: ['map_has_keys(to_object("a", 1), ["a", "z"])', true],
    nul: ['map_has_keys(n, ["a"])', false],
    bad: ['map_has_keys([1], ["a"])', FAIL],
  },
  add_to_map: {
    value: ['add_to_map(to_object("a", 1), to_object("b", 2))', { a: 1, b: 2 }],
    nul: ['add_to_map(n, to_object("b", 2))', { b: 2 }],
    bad: ['add_to_map("text")', FAIL],
  },
  coalesce: { value: ['coalesce(null, null, "first", null, "second")', 'first'], nul: ['coalesce(n, n)', null], bad: ['coalesce()', { is: null }] },
  first: { value: ['first("1", "2", "3")', '1'], nul: ['first(n)', null], bad: ['first([])', { is: null }] },
  last: { value: ['last("1", "2", "3")', '3'], nul: ['last(n)', null], bad: ['last([])', { is: null }] },
  add_to_array: {
    value: ['add_to_array(["a", "b"], "c", "d")', ['a', 'b', 'c', 'd']],
    nul: ['add_to_array(n, "c")', ['c']],
    bad: ['add_to_array("a", "c")', FAIL],
  },
  join_arrays: {
    value: ['join_arrays(["a", "b"], ["c"], ["d", "e"])', ['a', 'b', 'c', 'd', 'e']],
    nul: ['join_arrays(n, ["c"])', ['c']],
    bad: ['join_arrays()', { is: [] }],
  },
  to_array: { value: ['to_array(false, 1, null, 2, 3)', [1, 2, 3]], nul: ['to_array(true, n)', [null]], bad: ['to_array("maybe", 1)', FAIL] },
  size_of: { value: ['size_of([1, 2, 3, 4])', 4], nul: ['size_of(n)', 0], bad: ['size_of(true)', { is: 1 }] },
  upsert_array_append: {
    value: ['upsert_array_append([123, 456])', [123, 456]],
    nul: ['upsert_array_append(n)', null],
    bad: ['upsert_array_append("x")', FAIL],
  },
  upsert_array_replace: {
    value: ['upsert_array_replace([123, 456])', [123, 456]],
    nul: ['upsert_array_replace(n)', null],
    bad: ['upsert_array_replace(1)', FAIL],
  },
  decode: {
    value: ['decode("pa", "ca", "California", "pa", "Pennsylvania", "N/A")', 'Pennsylvania'],
    nul: ['decode(n, "ca", "California", "N/A")', 'N/A'],
    bad: ['decode(obj, "ca", "California")', FAIL],
  },
  iif: { value: ['iif("s".equalsIgnoreCase("S"), "True", "False")', 'True'], nul: ['iif(n, "yes", "no")', 'no'], bad: ['iif("maybe", 1, 2)', FAIL] },
  min: { value: ['min(3, 1, 4)', 1], nul: ['min(n, n)', null], bad: ['min(1, obj)', FAIL] },
  max: { value: ['max(3, 1, 4)', 4], nul: ['max(n)', null], bad: ['max("a", obj)', FAIL] },
  to_bigint: { value: ['to_bigint("1000000.34")', 1000000], nul: ['to_bigint(n)', null], bad: ['to_bigint("lots")', FAIL] },
  to_decimal: { value: ['to_decimal("20.5")', 20.5], nul: ['to_decimal(n)', null], bad: ['to_decimal("x")', FAIL] },
  to_float: { value: ['to_float("12.3456")', 12.3456], nul: ['to_float(n)', null], bad: ['to_float(obj)', FAIL] },
  to_integer: { value: ['to_integer("12")', 12], nul: ['to_integer(n)', null], bad: ['to_integer("99999999999")', FAIL] },
  json_to_object: {
    value: ['json_to_object("{\\"info\\": {\\"firstName\\": \\"John\\"}}")', { info: { firstName: 'John' } }],
    nul: ['json_to_object(n)', null],
    bad: ['json_to_object("{oops")', FAIL],
  },
  uuid: {
    value: ['uuid()', expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)],
    nul: ['iif(n, uuid(), n)', null],
    bad: ['guid("seed")', 'MAPPER-2002'],
  },
  fpid_to_ecid: {
    value: ['fpid_to_ecid("4ed70bee-b654-420a-a3fd-b58b6b65e991")', expect.stringMatching(/^\d{38}$/)],
    nul: ['fpid_to_ecid(n)', null],
    bad: ['fpid_to_ecid(obj)', FAIL],
  },
  ua_os_name: { value: [`ua_os_name(${IPHONE})`, 'iOS'], nul: ['ua_os_name(n)', null], bad: ['ua_os_name("curl")', { is: null }] },
  ua_os_version_major: {
    value: [`ua_os_version_major(${IPHONE})`, 'iOS 5'],
    nul: ['ua_os_version_major(n)', null],
    bad: ['ua_os_version_major(obj)', FAIL],
  },
  ua_os_version: { value: [`ua_os_version(${IPHONE})`, '5.1.1'], nul: ['ua_os_version(n)', null], bad: ['ua_os_version("???")', { is: null }] },
  ua_os_name_version: {
    value: [`ua_os_name_version(${IPHONE})`, 'iOS 5.1.1'],
    nul: ['ua_os_name_version(n)', null],
    bad: ['ua_os_name_version(obj)', FAIL],
  },
  ua_agent_version: {
    value: [`ua_agent_version(${IPHONE})`, '5.1'],
    nul: ['ua_agent_version(n)', null],
    bad: ['ua_agent_version("???")', { is: null }],
  },
  ua_agent_version_major: {
    value: [`ua_agent_version_major(${IPHONE})`, 'Safari 5'],
    nul: ['ua_agent_version_major(n)', null],
    bad: ['ua_agent_version_major(obj)', FAIL],
  },
  ua_agent_name: { value: [`ua_agent_name(${IPHONE})`, 'Safari'], nul: ['ua_agent_name(n)', null], bad: ['ua_agent_name(obj)', FAIL] },
  ua_device_class: {
    value: [`ua_device_class(${IPHONE})`, 'Phone'],
    nul: ['ua_device_class(n)', null],
    bad: ['ua_device_class("???")', { is: 'Unknown' }],
  },
};

const run = (expression: string) => compileExpression(expression)(R);

describe('Data Prep functions', () => {
  it('covers every function of the library', () => {
    expect(Object.keys(CASES).sort()).toEqual(FUNCTION_DEFS.map((d) => d.name).sort());
  });

  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}: a value, a null, a bad input`, () => {
      expect(run(c.value[0])).toEqual(c.value[1]);
      expect(run(c.nul[0])).toEqual(c.nul[1]);
      const [expression, outcome] = c.bad;
      if (typeof outcome === 'string') expect(() => run(expression)).toThrow(expect.objectContaining({ code: outcome }));
      else expect(run(expression)).toEqual(outcome.is);
    });
  }

  it('runs each documented example to its documented result', () => {
    for (const def of FUNCTION_DEFS.filter((d) => !d.volatile))
      expect(JSON.stringify(run(def.example)), def.name).toBe(JSON.stringify(JSON.parse(def.result)));
  });
});

describe('operators', () => {
  const r = { a: '5', b: 'x', n: null };
  const cases: Array<[string, unknown]> = [
    ['a + 1', '51'],
    ['a * 2', 10],
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['7 % 3', 1],
    ['7 mod 3', 1],
    ['10 div 4', 2],
    ['a == 5', true],
    ['a eq "5" && b ne "y"', true],
    ['b eq "x" and not (n != null)', true],
    ['a > 3 || n', true],
    ['a lt 3', false],
    ['n + 1', null],
    ['-a', -5],
    ['~44', -45],
    ['12 & 10', 8],
    ['12 | 10', 14],
    ['12 ^ 10', 6],
    ['a > 3 ? "big" : "small"', 'big'],
    ['[1, 2, 3][1]', 2],
    ['to_object("k", "v").get("k")', 'v'],
    ['"abc".toUpperCase()', 'ABC'],
  ];
  for (const [expression, expected] of cases)
    it(`${expression} → ${JSON.stringify(expected)}`, () => expect(compileExpression(expression)(r)).toEqual(expected));

  it('fails rows on division by zero and on non-numbers', () => {
    expect(() => compileExpression('1 / 0')(r)).toThrow(expect.objectContaining({ code: 'MAPPER-2004' }));
    expect(() => compileExpression('b * 2')(r)).toThrow(expect.objectContaining({ code: 'MAPPER-2004' }));
  });
});
