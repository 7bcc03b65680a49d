import { ConnectorError } from '../sdk.js';

/** What an Event Hubs connection needs, read from AEP's auth params (and the source params merged over them). */
export interface EventHubsSettings {
  /** The namespace's host (`<namespace>.servicebus.windows.net`) or the stand-in endpoint's. */
  host: string;
  port?: number;
  sasKeyName: string;
  sasKey: string;
  /** The hub of a policy scoped to one hub, or the source's hub. */
  eventHubName?: string;
  consumerGroup: string;
  /** Plain AMQP over TCP, as Microsoft's Event Hubs emulator speaks it, instead of TLS. */
  emulator: boolean;
}

const DEFAULT_SUFFIX = '.servicebus.windows.net';

function text(params: Record<string, unknown>, key: string, required: true): string;
function text(params: Record<string, unknown>, key: string, required: false): string | undefined;
function text(params: Record<string, unknown>, key: string, required: boolean): string | undefined {
  const value = params[key];
  if (value === undefined || value === null || value === '') {
    if (required) throw new ConnectorError('invalid_params', `${key} is required`);
    return undefined;
  }
  if (typeof value !== 'string') throw new ConnectorError('invalid_params', `${key} must be a string`);
  return value.trim();
}

export function parseEventHubsSettings(params: Record<string, unknown>): EventHubsSettings {
  const sasKeyName = text(params, 'sasKeyName', true);
  const sasKey = text(params, 'sasKey', true);
  const namespace = text(params, 'namespace', true);
  // The SDK takes them in a connection string, whose fields are separated by ";".
  for (const [key, value] of [
    ['sasKeyName', sasKeyName],
    ['sasKey', sasKey],
  ] as const) {
    if (value.includes(';')) throw new ConnectorError('invalid_params', `${key} cannot contain ";"`);
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(namespace))
    throw new ConnectorError('invalid_params', 'namespace must be a namespace name or its host name');
  const eventHubName = text(params, 'eventHubName', false);
  const consumerGroup = text(params, 'consumerGroup', false) ?? '$Default';
  const emulator = params.useDevelopmentEmulator === true || params.useDevelopmentEmulator === 'true';
  const endpoint = text(params, 'endpoint', false);
  let host = namespace.includes('.') ? namespace : `${namespace}${DEFAULT_SUFFIX}`;
  let port: number | undefined;
  if (endpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new ConnectorError('invalid_params', 'endpoint must be an address such as sb://127.0.0.1:5672');
    }
    if (
      !['sb:', 'amqp:', 'amqps:'].includes(url.protocol) ||
      !url.hostname ||
      url.username ||
      url.password ||
      (url.pathname !== '' && url.pathname !== '/')
    ) {
      throw new ConnectorError('invalid_params', 'endpoint must be sb://, amqp:// or amqps:// with a host, an optional port and nothing else');
    }
    host = url.hostname.replace(/^\[|\]$/g, '');
    if (url.port) port = Number(url.port);
  } else if (emulator) {
    throw new ConnectorError('invalid_params', 'useDevelopmentEmulator needs the endpoint of the emulator');
  }
  return {
    host,
    ...(port !== undefined ? { port } : {}),
    sasKeyName,
    sasKey,
    ...(eventHubName !== undefined ? { eventHubName } : {}),
    consumerGroup,
    emulator,
  };
}

/** The SDK's connection string for these settings (plain TCP only with `UseDevelopmentEmulator=true`, as the SDK wants it). */
export function connectionString(settings: EventHubsSettings): string {
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  const endpoint = `sb://${host}${settings.port !== undefined ? `:${settings.port}` : ''}/`;
  return [
    `Endpoint=${endpoint}`,
    `SharedAccessKeyName=${settings.sasKeyName}`,
    `SharedAccessKey=${settings.sasKey}`,
    ...(settings.emulator ? ['UseDevelopmentEmulator=true'] : []),
  ].join(';');
}
