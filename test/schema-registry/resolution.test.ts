/**
 * Resolution of the standard library, without a database: the composed profile schema of the
 * tutorial field by field, and the repository's own examples (converted to XED keys) against it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { globalLibrary } from '../../src/services/schema-registry/global-library.js';
import { resolveFull, ResolutionError } from '../../src/services/schema-registry/resolve.js';
import { compileTarget } from '../../src/services/schema-registry/validator.js';
import { xedPath, toXedInstance } from '../../src/services/schema-registry/import/source-form.js';
import type { Resource } from '../../src/services/schema-registry/resource.js';
import { PERSONAL_DETAILS, PERSON_DETAILS, PROFILE, leafPaths } from './support.js';

const library = globalLibrary();
const lookup = (id: string) => library.get(id);

function schemaOf(...refs: string[]): Resource {
  return {
    $id: 'https://ns.adobe.com/test/schemas/1',
    'meta:altId': '_test.schemas.1',
    'meta:resourceType': 'schemas',
    version: '1.0',
    'meta:containerId': 'tenant',
    title: 'test',
    allOf: refs.map(($ref) => ({ $ref })),
  };
}

const profileSchema = resolveFull(schemaOf(PROFILE, PERSON_DETAILS, PERSONAL_DETAILS), lookup);

/** The expected fields, from the XDM definitions (see the XDM notes, §9). */
const auditable = (p: string) => [
  `${p}repositoryCreatedBy:string`,
  `${p}repositoryLastModifiedBy:string`,
  `${p}createdByBatchID:string/uri-reference`,
  `${p}modifiedByBatchID:string/uri-reference`,
  `${p}_repo.createDate:string/date-time`,
  `${p}_repo.modifyDate:string/date-time`,
  `${p}_repo.discardDate:string/date-time`,
  `${p}_repo.expires:string/date-time`,
  `${p}_repo.lastPublishedTime:string`,
];
const phone = (p: string) =>
  ['primary:boolean', 'countryCode:string', 'number:string', 'extension:string', 'status:string', 'statusReason:string', 'validity:string'].map(
    (f) => `${p}.${f}`,
  );
const address = (p: string) => [
  `${p}._id:string/uri-reference`,
  `${p}._schema.description:string`,
  `${p}._schema.latitude:number`,
  `${p}._schema.longitude:number`,
  `${p}._schema.elevation:number`,
  `${p}.countryCode:string`,
  `${p}.stateProvince:string`,
  `${p}.city:string`,
  `${p}.postalCode:string`,
  `${p}.dmaID:integer`,
  `${p}.msaID:integer`,
  ...auditable(`${p}.`),
  ...[
    'primary:boolean',
    'label:string',
    'street1:string',
    'street2:string',
    'street3:string',
    'street4:string',
    'region:string',
    'postOfficeBox:string',
    'country:string',
    'state:string',
    'status:string',
    'statusReason:string',
    'lastVerifiedDate:string/date',
  ].map((f) => `${p}.${f}`),
];
const EXPECTED_FIELDS = [
  ...auditable(''),
  '_id:string/uri-reference',
  'personID:string',
  ...['firstName', 'lastName', 'middleName', 'courtesyTitle', 'suffix', 'fullName'].map((f) => `person.name.${f}:string`),
  'person.birthDate:string/date',
  'person.birthDayAndMonth:string',
  'person.birthYear:integer',
  'person.gender:string',
  'person.maritalStatus:string',
  'person.nationality:string',
  'person.type:string',
  'person.taxId:string',
  ...address('homeAddress'),
  ...['primary:boolean', 'address:string/email', 'label:string', 'type:string', 'status:string', 'statusReason:string'].map(
    (f) => `personalEmail.${f}`,
  ),
  ...phone('homePhone'),
  ...phone('mobilePhone'),
  ...phone('faxPhone'),
  ...phone('shippingAddressPhone'),
  ...phone('billingAddressPhone'),
  ...address('shippingAddress'),
  ...address('billingAddress'),
  ...address('mailingAddress'),
];

describe('the composed profile schema', () => {
  it('has exactly the expected fields, paths and types', () => {
    expect([...leafPaths(profileSchema)].sort()).toEqual([...EXPECTED_FIELDS].sort());
  });

  it('keeps constraints, XDM types and where data types came from', () => {
    const person = (profileSchema.properties as any).person;
    expect(person['meta:referencedFrom']).toBe('https://ns.adobe.com/xdm/context/person');
    expect(person.properties.name).toMatchObject({
      'meta:referencedFrom': 'https://ns.adobe.com/xdm/context/person-name',
      'meta:xdmField': 'xdm:name',
      title: 'Full name',
    });
    expect(person.properties.birthYear).toMatchObject({ minimum: 1, maximum: 32767, 'meta:xdmType': 'short' });
    expect(person.properties.gender).toMatchObject({ enum: ['male', 'female', 'not_specified', 'non_specific'], default: 'not_specified' });
    expect(person.properties.nationality.pattern).toBe('^[A-Z]{2}$');
    expect(person.properties.birthDate['meta:xdmType']).toBe('date');
    expect((profileSchema.properties as any).homePhone.properties.countryCode).toMatchObject({ minLength: 1, maxLength: 3 });
    expect((profileSchema.properties as any)._repo.properties.createDate['meta:xdmType']).toBe('date-time');
    expect(profileSchema.allOf).toBeUndefined();
    expect(JSON.stringify(profileSchema)).not.toContain('$ref');
    expect(JSON.stringify(profileSchema)).not.toContain('"definitions"');
  });

  it('does not depend on the order or repetition of allOf entries', () => {
    const shuffled = resolveFull(schemaOf(PERSONAL_DETAILS, PROFILE, PERSONAL_DETAILS, PERSON_DETAILS), lookup);
    expect([...leafPaths(shuffled)].sort()).toEqual([...EXPECTED_FIELDS].sort());
  });

  it('refuses a reference to nothing', () => {
    expect(() => resolveFull(schemaOf(PROFILE, 'https://ns.adobe.com/xdm/context/nothing'), lookup)).toThrow(ResolutionError);
  });

  it('resolves every resource of the standard library', () => {
    for (const resource of library.resources) expect(() => resolveFull(resource, lookup), resource.$id).not.toThrow();
  });
});

interface Example {
  source: string;
  schema: string;
  valid: boolean;
  data: Record<string, unknown>;
}
const fixtures = JSON.parse(readFileSync(new URL('./fixtures/xdm-examples.json', import.meta.url), 'utf8')) as { examples: Example[] };

describe('the repository’s examples, converted to XED keys', () => {
  const profile = compileTarget(profileSchema);
  for (const example of fixtures.examples) {
    it(`${example.valid ? 'accepts' : 'rejects'} ${example.source}`, () => {
      const target = example.schema === 'profile' ? profile : compileTarget(resolveFull(library.get(example.schema)!, lookup));
      const violations = target.validate(example.data);
      if (example.valid) expect(violations).toEqual([]);
      else expect(violations.length).toBeGreaterThan(0);
    });
  }

  it('reports bad values with their XED paths', () => {
    const row = {
      _id: 'urn:1',
      person: { name: { firstName: 'Ada' }, gender: 'robot', birthYear: 0, birthDate: 'yesterday' },
      personalEmail: { address: 'not-an-email' },
      homePhone: { countryCode: '12345' },
    };
    const paths = profile
      .validate(row)
      .map((v) => v.path)
      .sort();
    expect(paths).toEqual([
      'homePhone.countryCode',
      'homePhone.countryCode',
      'person.birthDate',
      'person.birthYear',
      'person.gender',
      'personalEmail.address',
    ]);
    expect(
      profile.validate({ _id: 'urn:1', person: { name: { firstName: 'Ada', lastName: 'Lovelace' } }, personalEmail: { address: 'ada@example.com' } }),
    ).toEqual([]);
  });
});

describe('source form to XED form', () => {
  it('converts keys as NAMESPACES.md says', () => {
    expect(xedPath('xdm:firstName')).toEqual(['firstName']);
    expect(xedPath('@id')).toEqual(['_id']);
    expect(xedPath('repo:createDate')).toEqual(['_repo', 'createDate']);
    expect(xedPath('schema:latitude')).toEqual(['_schema', 'latitude']);
    expect(xedPath('https://ns.adobe.com/xdm/channels/email')).toEqual(['_channels', 'email']);
    expect(xedPath('https://ns.adobe.com/experience/analytics/x')).toEqual(['_experience', 'analytics', 'x']);
    expect(xedPath('https://ns.thirdparty.com/color')).toEqual(['_ns', 'thirdparty', 'com', 'color']);
    expect(xedPath('xdm:some-field')).toEqual(['someField']);
    expect(xedPath('plain')).toEqual(['plain']);
  });

  it('nests namespaced instance keys', () => {
    expect(
      toXedInstance({ '@id': 'a', 'repo:createDate': 'd', 'repo:modifyDate': 'e', 'xdm:person': { 'xdm:name': { 'xdm:firstName': 'Ada' } } }),
    ).toEqual({
      _id: 'a',
      _repo: { createDate: 'd', modifyDate: 'e' },
      person: { name: { firstName: 'Ada' } },
    });
  });
});
