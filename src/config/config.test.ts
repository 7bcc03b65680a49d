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
