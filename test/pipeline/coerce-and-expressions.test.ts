import { describe, expect, it } from 'vitest';
import { coerce, CoercionError } from '../../src/pipeline/schema/coerce.js';
import { fieldOf, rootField, fieldAt } from '../../src/pipeline/schema/xdm-fields.js';
import { parseExpression } from '../../src/pipeline/mapping/expression/parse.js';
import { compileExpression } from '../../src/pipeline/mapping/expression/evaluate.js';
import { PROFILE_SCHEMA } from './support.js';

const field = (node: Record<string, unknown>) => fieldOf(node);

describe('coerce', () => {
  it('turns strings into numbers, integers, booleans, dates and date-times', () => {
    expect(coerce(' 42 ', field({ type: 'integer' }), 'n')).toBe(42);
    expect(coerce('-7.0', field({ type: 'integer', 'meta:xdmType': 'int' }), 'n')).toBe(-7);
    expect(coerce('1e3', field({ type: 'number' }), 'n')).toBe(1000);
    expect(coerce('FALSE', field({ type: 'boolean' }), 'b')).toBe(false);
    expect(coerce('1990-02-03', field({ type: 'string', format: 'date' }), 'd')).toBe('1990-02-03');
    expect(coerce('19900203', field({ type: 'string', format: 'date' }), 'd')).toBe('1990-02-03');
    expect(coerce('2020-05-13T19:37:26.5+02:00', field({ type: 'string', format: 'date-time' }), 't')).toBe('2020-05-13T17:37:26.500Z');
    expect(coerce('2020-05-13 19:37:26.123456', field({ type: 'string', format: 'date-time' }), 't')).toBe('2020-05-13T19:37:26.123456Z');
    expect(coerce('2020-01-01 10:00:00+00', field({ type: 'string', format: 'date-time' }), 't')).toBe('2020-01-01T10:00:00.000Z');
  });

  it('turns longs into dates and date-times, and scalars into strings', () => {
    expect(coerce(1589398646000, field({ type: 'string', format: 'date-time' }), 't')).toBe('2020-05-13T19:37:26.000Z');
    expect(coerce('1589398646000', field({ type: 'string', format: 'date-time' }), 't')).toBe('2020-05-13T19:37:26.000Z');
    expect(coerce(1589398646000, field({ type: 'string', format: 'date' }), 'd')).toBe('2020-05-13');
    expect(coerce(12, field({ type: 'string' }), 's')).toBe('12');
    expect(coerce(true, field({ type: 'string' }), 's')).toBe('true');
  });

  it('treats null and blank as no value', () => {
    expect(coerce(null, field({ type: 'integer' }), 'n')).toBeUndefined();
    expect(coerce('  ', field({ type: 'number' }), 'n')).toBeUndefined();
    expect(coerce('', field({ type: 'string' }), 's')).toBe('');
  });

  it('refuses what AEP refuses', () => {
    const cases: Array<[unknown, Record<string, unknown>]> = [
      ['12.5', { type: 'integer' }],
      ['300', { type: 'integer', 'meta:xdmType': 'byte' }],
      ['abc', { type: 'number' }],
      ['yes', { type: 'boolean' }],
      [1, { type: 'boolean' }],
      ['2020-02-30', { type: 'string', format: 'date' }],
      ['2020-13-01T00:00:00Z', { type: 'string', format: 'date-time' }],
      ['a', { type: 'array', items: { type: 'string' } }],
      ['a', { type: 'object', properties: { x: { type: 'string' } } }],
      [{ a: 1 }, { type: 'string' }],
    ];
    for (const [value, node] of cases) expect(() => coerce(value, field(node), 'f'), JSON.stringify([value, node])).toThrow(CoercionError);
  });

  it('walks objects, maps and arrays, naming the failing path', () => {
    const root = rootField(PROFILE_SCHEMA);
    expect(coerce({ loyalty: { points: '5' }, tags: ['a'], identityMap: { Email: [{ id: 'x', primary: 'true' }] } }, root, '')).toEqual({
      loyalty: { points: 5 },
      tags: ['a'],
      identityMap: { Email: [{ id: 'x', primary: true }] },
    });
    try {
      coerce({ person: { birthDate: 'soon' } }, root, '');
      expect.unreachable();
    } catch (error) {
      expect((error as CoercionError).path).toBe('person.birthDate');
    }
  });

  it('finds fields by path, merging repeated definitions', () => {
    const root = rootField({
      allOf: [
        { properties: { a: { type: 'object', properties: { x: { type: 'string' } } } } },
        { properties: { a: { type: 'object', properties: { y: { type: 'integer' } } } } },
      ],
    });
    expect(fieldAt(root, ['a', 'x'])).toEqual({ kind: 'string' });
    expect(fieldAt(root, ['a', 'y'])).toEqual({ kind: 'integer', width: 'long' });
    expect(fieldAt(root, ['a', 'z'])).toBeUndefined();
  });
});

describe('expressions', () => {
  it('parses field references, literals and calls', () => {
    expect(parseExpression('first_name')).toEqual({ kind: 'field', name: 'first_name', segments: ['first_name'] });
    expect(parseExpression('${First Name}')).toEqual({ kind: 'field', name: 'First Name', segments: ['First Name'] });
    expect(parseExpression('${a\\.b}')).toEqual({ kind: 'field', name: 'a.b', segments: ['a.b'] });
    expect(parseExpression('user.name')).toMatchObject({ kind: 'field', segments: ['user', 'name'] });
    expect(parseExpression('concat(a, "-", 3, true)')).toEqual({
      kind: 'call',
      name: 'concat',
      args: [
        { kind: 'field', name: 'a', segments: ['a'] },
        { kind: 'literal', value: '-' },
        { kind: 'literal', value: 3 },
        { kind: 'literal', value: true },
      ],
    });
  });

  it('evaluates references and fails rows with clear codes', () => {
    expect(compileExpression('${First Name}')({ 'First Name': 'Ann' })).toBe('Ann');
    expect(compileExpression('"x"')({})).toBe('x');
    expect(() => compileExpression('no_such_function(a)')({ a: 'x' })).toThrow(expect.objectContaining({ code: 'MAPPER-2001' }));
    expect(() => compileExpression('a +')({})).toThrow(expect.objectContaining({ code: 'MAPPER-2002' }));
    expect(() => compileExpression('upper(a, b)')({})).toThrow(expect.objectContaining({ code: 'MAPPER-2002' }));
    expect(() => compileExpression('f(a')({})).toThrow(expect.objectContaining({ code: 'MAPPER-2002' }));
  });
});
