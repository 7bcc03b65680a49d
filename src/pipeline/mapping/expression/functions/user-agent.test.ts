import { describe, expect, it } from 'vitest';
import { fn } from './testing.js';

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 5_1_1 like Mac OS X) AppleWebKit/534.46 (KHTML, like Gecko) Version/5.1 Mobile/9B206 Safari/7534.48.3';
const WINDOWS_CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.109 Safari/537.36';
const IPAD = 'Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';

describe('user-agent functions', () => {
  it('read an iPhone’s OS and browser, naming Mobile Safari as AEP does ("Safari")', () => {
    expect(
      [
        'ua_os_name',
        'ua_os_version_major',
        'ua_os_version',
        'ua_os_name_version',
        'ua_agent_version',
        'ua_agent_version_major',
        'ua_agent_name',
        'ua_device_class',
      ].map((name) => fn(name)(IPHONE)),
    ).toEqual(['iOS', 'iOS 5', '5.1.1', 'iOS 5.1.1', '5.1', 'Safari 5', 'Safari', 'Phone']);
  });

  it('class a desktop browser as Desktop and a tablet as Tablet', () => {
    expect([fn('ua_device_class')(WINDOWS_CHROME), fn('ua_agent_version_major')(WINDOWS_CHROME), fn('ua_os_name')(WINDOWS_CHROME)]).toEqual([
      'Desktop',
      'Chrome 120',
      'Windows',
    ]);
    expect(fn('ua_device_class')(IPAD)).toBe('Tablet');
  });

  it('give null for null and for text that names nothing, and Unknown as the class of that text', () => {
    expect([fn('ua_os_name')(null), fn('ua_agent_name')('curl-ish nonsense'), fn('ua_os_version_major')(''), fn('ua_device_class')('???')]).toEqual([
      null,
      null,
      null,
      'Unknown',
    ]);
  });
});
