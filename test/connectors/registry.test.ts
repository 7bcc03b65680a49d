import { assert, describe, expect, it } from 'vitest';
import { ConnectorRegistry, defaultConnectors } from '../../src/connectors/index.js';

describe('ConnectorRegistry', () => {
  const options = { localFolders: { roots: ['/srv/landing'], protectedFolders: [] } };
  const registry = new ConnectorRegistry(defaultConnectors(options));

  it('finds the shipped connectors by spec id', () => {
    expect(registry.get('ecadc60c-7455-4d87-84dc-2a0e293d997b')?.spec.name).toBe('amazon-s3');
    expect(registry.get('9c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5')?.spec.name).toBe('local-folder');
    expect(registry.get('nope')).toBeUndefined();
    expect(registry.all().map((c) => c.spec.name)).toEqual(expect.arrayContaining(['local-folder', 'amazon-s3', 'hdfs', 'google-cloud-storage']));
  });

  it('ships specs shaped like AEP’s', () => {
    for (const { spec, secretParams } of registry.all()) {
      expect(spec).toMatchObject({ version: '1.0', attributes: { category: 'CloudStorage', isSource: true } });
      expect(spec.authSpec.length).toBeGreaterThan(0);
      // A spec with several auth methods (password or key, say) has secrets spread over them.
      const properties = Object.assign(
        {},
        ...spec.authSpec.map((a) => (a.spec as { properties: Record<string, { format?: string }> }).properties),
      ) as Record<string, { format?: string }>;
      for (const name of secretParams) expect(properties[name]?.format, `${spec.name}.${name}`).toBe('password');
      const passwords = Object.entries(properties)
        .filter(([, p]) => p.format === 'password')
        .map(([n]) => n);
      expect(passwords.sort(), spec.name).toEqual([...secretParams].sort());
    }
  });

  it('refuses two connectors with one spec id', () => {
    const [local] = defaultConnectors(options);
    assert.isDefined(local);
    expect(() => new ConnectorRegistry([local, local])).toThrow(/share/);
  });
});
