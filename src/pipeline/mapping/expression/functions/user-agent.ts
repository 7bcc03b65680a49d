import { UAParser } from 'ua-parser-js';
import { p, text, type FunctionDef } from './define.js';

type Parsed = ReturnType<UAParser['getResult']>;

const cache = new Map<string, Parsed>();
function parse(fn: string, value: unknown): Parsed | null {
  if (value === null || value === undefined) return null;
  const ua = text(fn, value, 'userAgent');
  let parsed = cache.get(ua);
  if (!parsed) {
    parsed = new UAParser(ua).getResult();
    // Logs repeat a few user agents many times; keep a bounded memory of them.
    if (cache.size > 5000) cache.clear();
    cache.set(ua, parsed);
  }
  return parsed;
}

const major = (version: string | undefined) => version?.split('.')[0];
/** AEP names browsers without the "Mobile " of ua-parser ("Mobile Safari" → "Safari"). */
const agentName = (r: Parsed) => r.browser.name?.replace(/^Mobile /, '');

const DEVICE_CLASSES: Record<string, string> = {
  mobile: 'Phone',
  tablet: 'Tablet',
  smarttv: 'TV',
  console: 'Game Console',
  wearable: 'Watch',
  embedded: 'Embedded',
  xr: 'Virtual Reality',
};

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 5_1_1 like Mac OS X) AppleWebKit/534.46 (KHTML, like Gecko) Version/5.1 Mobile/9B206 Safari/7534.48.3';

function uaFunction(name: string, description: string, result: string, pick: (r: Parsed) => string | undefined | null): FunctionDef {
  return {
    name,
    category: 'User agent',
    description,
    syntax: `String ${name}(String)`,
    returns: 'The value, or null when the input is null or the user agent does not tell.',
    returnType: 'java.lang.String',
    example: `${name}("${IPHONE}")`,
    result,
    params: [p('userAgent', 'string', 'A User-Agent header value.')],
    impl: (args) => {
      const r = parse(name, args[0]);
      return r ? (pick(r) ?? null) : null;
    },
  };
}

export const USER_AGENT_FUNCTIONS: FunctionDef[] = [
  uaFunction('ua_os_name', 'The operating system named by a user agent.', '"iOS"', (r) => r.os.name),
  uaFunction('ua_os_version_major', 'The operating system and its major version.', '"iOS 5"', (r) =>
    r.os.name && r.os.version ? `${r.os.name} ${major(r.os.version)}` : null,
  ),
  uaFunction('ua_os_version', 'The version of the operating system.', '"5.1.1"', (r) => r.os.version),
  uaFunction('ua_os_name_version', 'The operating system and its full version.', '"iOS 5.1.1"', (r) =>
    r.os.name && r.os.version ? `${r.os.name} ${r.os.version}` : (r.os.name ?? null),
  ),
  uaFunction('ua_agent_version', 'The version of the browser (agent).', '"5.1"', (r) => r.browser.version),
  uaFunction('ua_agent_version_major', 'The browser and its major version.', '"Safari 5"', (r) =>
    agentName(r) && r.browser.version ? `${agentName(r)} ${major(r.browser.version)}` : null,
  ),
  uaFunction('ua_agent_name', 'The name of the browser (agent).', '"Safari"', (r) => agentName(r)),
  uaFunction(
    'ua_device_class',
    'The kind of device: Phone, Tablet, Desktop, TV, Game Console, Watch, Embedded; Unknown when it cannot be told.',
    '"Phone"',
    (r) => {
      if (r.device.type) return DEVICE_CLASSES[r.device.type] ?? r.device.type;
      return r.browser.name || r.os.name ? 'Desktop' : 'Unknown';
    },
  ),
];
