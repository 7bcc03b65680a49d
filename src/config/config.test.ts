import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('the PostgreSQL interface settings', () => {
  const home = { TRIBUTARY_HOME: '/tmp/tributary-config-test' };

  it('listens on 5433 at HOST unless told otherwise', () => {
    expect(loadConfig(home).sql).toEqual({ port: 5433, host: '127.0.0.1' });
    expect(loadConfig({ ...home, HOST: '0.0.0.0' }).sql).toEqual({ port: 5433, host: '0.0.0.0' });
    expect(loadConfig({ ...home, TRIBUTARY_SQL_PORT: '15432', TRIBUTARY_SQL_HOST: '::1' }).sql).toEqual({ port: 15432, host: '::1' });
  });

  it('is off with 0 or "off", and refuses what is no port', () => {
    expect(loadConfig({ ...home, TRIBUTARY_SQL_PORT: '0' }).sql.port).toBeNull();
    expect(loadConfig({ ...home, TRIBUTARY_SQL_PORT: 'OFF' }).sql.port).toBeNull();
    expect(() => loadConfig({ ...home, TRIBUTARY_SQL_PORT: '70000' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...home, TRIBUTARY_SQL_PORT: 'five' })).toThrow(ConfigError);
  });
});

describe('the S3 lake read cache setting', () => {
  const s3 = { TRIBUTARY_HOME: '/tmp/tributary-config-test', TRIBUTARY_LAKE: 's3://lake/prefix' };
  const cacheBytes = (env: NodeJS.ProcessEnv) => {
    const lake = loadConfig(env).lake;
    return lake.kind === 's3' ? lake.cacheBytes : null;
  };

  it('holds 10 GiB unless TRIBUTARY_S3_CACHE_BYTES says otherwise', () => {
    expect(cacheBytes(s3)).toBe(10 * 1024 ** 3);
    expect(cacheBytes({ ...s3, TRIBUTARY_S3_CACHE_BYTES: '1048576' })).toBe(1048576);
  });

  it('refuses a size that is no whole number of bytes', () => {
    expect(() => loadConfig({ ...s3, TRIBUTARY_S3_CACHE_BYTES: '2GB' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...s3, TRIBUTARY_S3_CACHE_BYTES: '-1' })).toThrow(ConfigError);
  });
});

describe('the table compaction settings', () => {
  const home = { TRIBUTARY_HOME: '/tmp/tributary-config-test' };

  it('compacts 16 small files into 128 MiB ones every 10 minutes unless told otherwise; 0 turns it off', () => {
    expect(loadConfig(home).compaction).toEqual({ targetBytes: 128 * 1024 ** 2, minFiles: 16, intervalMs: 600_000 });
    expect(
      loadConfig({ ...home, TRIBUTARY_COMPACT_TARGET_BYTES: '1048576', TRIBUTARY_COMPACT_MIN_FILES: '4', TRIBUTARY_COMPACT_INTERVAL_MS: '0' })
        .compaction,
    ).toEqual({ targetBytes: 1048576, minFiles: 4, intervalMs: 0 });
  });

  it('refuses fewer than two files, a tiny target and what is no number', () => {
    expect(() => loadConfig({ ...home, TRIBUTARY_COMPACT_MIN_FILES: '1' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...home, TRIBUTARY_COMPACT_TARGET_BYTES: '10' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...home, TRIBUTARY_COMPACT_INTERVAL_MS: 'often' })).toThrow(ConfigError);
  });
});
