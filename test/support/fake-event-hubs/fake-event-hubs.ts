import type { AddressInfo, Server, Socket } from 'node:net';
import rhea, { type Connection, type EventContext, type Message, type Receiver, type Sender } from 'rhea';
import { Hub, type HubConfig, type PartitionLog } from './partition-log.js';
import { claimCovers, type GrantedClaim, type SasPolicy, verifySasToken } from './sas-token.js';
import { parseSelector } from './selector-filter.js';

/**
 * A faithful fake of the Azure Event Hubs AMQP 1.0 protocol, for what the real `@azure/event-hubs` SDK does, written
 * from the service's protocol documentation on rhea (the AMQP library the SDK itself stands on):
 *
 * - Claims-based security: put-token requests to the `$cbs` node with a shared access signature, checked against the
 *   namespace's (or one hub's) policies; a wrong key or an expired token answers 401. Every link attach and every
 *   management request needs a claim that covers its entity (`amqp:unauthorized-access` otherwise).
 * - The `$management` node: READ of `com.microsoft:eventhub` (name, created_at, partition_count, partition_ids) and of
 *   `com.microsoft:partition` (begin/last-enqueued sequence number, offset and time, is_partition_empty); 404 for an
 *   unknown hub or partition.
 * - Partition receivers at `<hub>/ConsumerGroups/<group>/Partitions/<id>` honouring the
 *   `apache.org:selector-filter:string` filter (offset, sequence number or enqueued time, `>` or `>=`), each event
 *   carrying x-opt-sequence-number, x-opt-offset, x-opt-enqueued-time and x-opt-partition-key, credit-based, with
 *   the receiver runtime metric (last enqueued event) when the client desires it; `amqp:not-found` for an unknown hub,
 *   consumer group or partition.
 * - Senders to `<hub>` (routed by partition key, else in turn) and `<hub>/Partitions/<id>`, single events and the
 *   SDK's batch envelopes (message format 0x80013700).
 *
 * It speaks plain AMQP over TCP, as Microsoft's Event Hubs emulator does (clients use `UseDevelopmentEmulator=true`).
 * Not covered: epochs (owner levels) stealing a partition from another receiver, idempotent producers, retention
 * (nothing expires), geo-replication offsets, AMQP over WebSockets and TLS.
 */
export interface FakeEventHubsOptions {
  hubs: HubConfig[];
  policies: SasPolicy[];
  port?: number;
}

export interface FakeEventHubs {
  port: number;
  hubs: Map<string, Hub>;
  stop(): Promise<void>;
}

const BATCH_FORMAT = 0x80013700;
const RUNTIME_METRIC = 'com.microsoft:enable-receiver-runtime-metric';
const UNAUTHORIZED = 'amqp:unauthorized-access';
const NOT_FOUND = 'amqp:not-found';

export async function startFakeEventHubs(options: FakeEventHubsOptions): Promise<FakeEventHubs> {
  const hubs = new Map(options.hubs.map((config) => [config.name.toLowerCase(), new Hub(config)]));
  const claims = new WeakMap<Connection, GrantedClaim[]>();
  const container = rhea.create_container({ id: 'fake-event-hubs' });

  const granted = (connection: Connection, entity: string) => (claims.get(connection) ?? []).some((claim) => claimCovers(claim, entity));

  /** The link on the same connection that answers a request node's replies (`reply_to` is the client receiver's target). */
  const replyLink = (connection: Connection, node: string, replyTo: unknown): Sender | undefined => {
    let fallback: Sender | undefined;
    for (const sender of repliers.get(connection) ?? []) {
      if (sender.is_closed()) continue;
      const attach = frames(sender).remote.attach;
      if (attach?.source?.address !== node) continue;
      if (attach.target?.address === replyTo) return sender;
      fallback ??= sender;
    }
    return fallback;
  };
  const repliers = new WeakMap<Connection, Sender[]>();

  const reply = (context: EventContext, node: string, request: Message, status: number, description: string, body?: unknown) => {
    const sender = replyLink(context.connection, node, request.reply_to);
    sender?.send({
      correlation_id: request.message_id,
      to: request.reply_to,
      application_properties: { 'status-code': status, 'status-description': description },
      body: body ?? null,
    } as Message);
  };

  const putToken = (context: EventContext, request: Message) => {
    const props = request.application_properties ?? {};
    if (props.operation !== 'put-token') return reply(context, '$cbs', request, 400, `Unsupported operation ${String(props.operation)}`);
    const claim = verifySasToken(request.body, options.policies);
    if ('refused' in claim) return reply(context, '$cbs', request, 401, `Unauthorized: ${claim.refused}`);
    const list = claims.get(context.connection) ?? [];
    list.push(claim);
    claims.set(context.connection, list);
    reply(context, '$cbs', request, 202, 'Accepted');
  };

  const management = (context: EventContext, request: Message) => {
    const props = request.application_properties ?? {};
    const name = String(props.name ?? '');
    const claim = verifySasToken(props.security_token, options.policies);
    if ('refused' in claim || !claimCovers(claim, name)) {
      return reply(context, '$management', request, 401, `Unauthorized: ${'refused' in claim ? claim.refused : `the token does not cover ${name}`}`);
    }
    if (props.operation !== 'READ') return reply(context, '$management', request, 400, `Unsupported operation ${String(props.operation)}`);
    const hub = hubs.get(name.toLowerCase());
    if (!hub) return reply(context, '$management', request, 404, `The messaging entity '${name}' could not be found.`);
    if (props.type === 'com.microsoft:eventhub') return reply(context, '$management', request, 200, 'OK', hub.properties());
    if (props.type === 'com.microsoft:partition') {
      const partition = hub.partition(String(props.partition ?? ''));
      if (!partition)
        return reply(
          context,
          '$management',
          request,
          404,
          `The messaging entity '${name}/Partitions/${String(props.partition)}' could not be found.`,
        );
      return reply(context, '$management', request, 200, 'OK', partition.properties(hub.config.name));
    }
    reply(context, '$management', request, 400, `Unsupported type ${String(props.type)}`);
  };

  /** A client receiver (our sender) on a partition: events from its filter's position, as far as its credit goes. */
  const openPartitionReader = (sender: Sender, address: string) => {
    const match = /^([^/]+)\/ConsumerGroups\/([^/]+)\/Partitions\/([^/]+)$/i.exec(address);
    const [, hubName = '', group = '', partitionId = ''] = match ?? [];
    const hub = hubs.get(hubName.toLowerCase());
    if (!match || !hub) return sender.close({ condition: NOT_FOUND, description: `The messaging entity '${address}' could not be found.` });
    if (!hub.consumerGroups.has(group.toLowerCase())) {
      return sender.close({ condition: NOT_FOUND, description: `The messaging entity '${hubName}/ConsumerGroups/${group}' could not be found.` });
    }
    const partition = hub.partition(partitionId);
    if (!partition) return sender.close({ condition: NOT_FOUND, description: `The messaging entity '${address}' could not be found.` });
    const attach = frames(sender).remote.attach;
    let position = 0;
    try {
      const expression = selectorOf(attach?.source?.filter);
      if (expression !== undefined) {
        const filter = parseSelector(expression);
        position = filter.latest ? partition.events.length : partition.events.findIndex((event) => filter.test(event));
        if (position < 0) position = partition.events.length;
      }
    } catch (error) {
      return sender.close({ condition: 'amqp:invalid-field', description: (error as Error).message });
    }
    const metric = capabilities(attach?.desired_capabilities).includes(RUNTIME_METRIC);
    if (metric) frames(sender).local.attach.offered_capabilities = RUNTIME_METRIC;
    const pump = () => {
      while (!sender.is_closed() && sender.sendable() && position < partition.events.length) {
        sender.send(deliveryOf(partition, position++, metric));
      }
    };
    const unsubscribe = partition.onAppend(pump);
    sender.on('sendable', pump);
    sender.on('sender_close', unsubscribe);
    sender.connection.on('disconnected', unsubscribe);
    pump();
  };

  container.on('sender_open', (context: EventContext) => {
    const sender = context.sender as Sender;
    const address = String(frames(sender).remote.attach?.source?.address ?? '');
    if (address === '$cbs' || address === '$management') {
      sender.set_source({ address });
      const list = repliers.get(context.connection) ?? [];
      list.push(sender);
      repliers.set(context.connection, list);
      return;
    }
    if (!granted(context.connection, address))
      return sender.close({ condition: UNAUTHORIZED, description: `Unauthorized access to '${address}': put a token that covers it on $cbs first.` });
    openPartitionReader(sender, address);
  });

  container.on('receiver_open', (context: EventContext) => {
    const receiver = context.receiver as Receiver;
    const address = String(frames(receiver).remote.attach?.target?.address ?? '');
    receiver.set_target({ address });
    if (address === '$cbs' || address === '$management') return;
    if (!granted(context.connection, address))
      return receiver.close({ condition: UNAUTHORIZED, description: `Unauthorized access to '${address}'.` });
    const [hubName = '', kind, partitionId] = address.split('/');
    const hub = hubs.get(hubName.toLowerCase());
    const pinned =
      kind === undefined ? undefined : kind.toLowerCase() === 'partitions' && partitionId !== undefined ? hub?.partition(partitionId) : null;
    if (!hub || pinned === null)
      return receiver.close({ condition: NOT_FOUND, description: `The messaging entity '${address}' could not be found.` });
    frames(receiver).local.attach.max_message_size = 1024 * 1024;
  });

  container.on('message', (context: EventContext) => {
    const receiver = context.receiver as Receiver;
    const address = String(receiver.target?.address ?? '');
    const message = context.message as Message;
    if (address === '$cbs') return putToken(context, message);
    if (address === '$management') return management(context, message);
    const [hubName = '', , partitionId] = address.split('/');
    const hub = hubs.get(hubName.toLowerCase()) as Hub;
    // rhea hands a delivery of another message format over undecoded: the batch envelope is a message of its own.
    const events =
      context.delivery?.format === BATCH_FORMAT
        ? unbatch(rhea.message.decode(context.message as unknown as Buffer) as unknown as Message)
        : [message];
    for (const event of events) {
      const key = event.message_annotations?.['x-opt-partition-key'];
      const partitionKey = typeof key === 'string' ? key : undefined;
      const target = partitionId !== undefined ? (hub.partition(partitionId) as PartitionLog) : hub.route(partitionKey);
      target.append(event, partitionKey);
    }
  });

  const sockets = new Set<Socket>();
  const server: Server = container.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return {
    port: (server.address() as AddressInfo).port,
    hubs,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The attach frames of a link, which rhea keeps but its typings do not show. */
interface AttachFrame {
  source?: { address?: string; filter?: Record<string, unknown> };
  target?: { address?: string };
  desired_capabilities?: unknown;
  offered_capabilities?: unknown;
  max_message_size?: number;
}
function frames(link: Sender | Receiver): { remote: { attach?: AttachFrame }; local: { attach: AttachFrame } } {
  return link as unknown as { remote: { attach?: AttachFrame }; local: { attach: AttachFrame } };
}

/** The selector expression of a source filter map, whichever way rhea hands the described value over. */
function selectorOf(filter: Record<string, unknown> | undefined): string | undefined {
  const entry = filter?.['apache.org:selector-filter:string'];
  if (entry === undefined) return undefined;
  if (typeof entry === 'string') return entry;
  const value = (entry as { value?: unknown }).value;
  if (typeof value === 'string') return value;
  const inner = (value as { value?: unknown } | undefined)?.value;
  return typeof inner === 'string' ? inner : String(value);
}

function capabilities(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** An event as a partition receiver gets it: the published message with the service's annotations. */
function deliveryOf(partition: PartitionLog, index: number, metric: boolean): Message {
  const event = partition.events[index]!;
  const last = partition.events.at(-1)!;
  return {
    ...event.message,
    message_annotations: {
      ...(event.message.message_annotations ?? {}),
      'x-opt-sequence-number': rhea.types.wrap_long(event.sequenceNumber),
      'x-opt-offset': event.offset,
      'x-opt-enqueued-time': event.enqueuedTime,
      ...(event.partitionKey !== undefined ? { 'x-opt-partition-key': event.partitionKey } : {}),
    },
    ...(metric
      ? {
          delivery_annotations: {
            last_enqueued_sequence_number: rhea.types.wrap_long(last.sequenceNumber),
            last_enqueued_offset: last.offset,
            last_enqueued_time_utc: last.enqueuedTime,
            runtime_info_retrieval_time_utc: new Date(),
          },
        }
      : {}),
  };
}

/** The events of the SDK's batch envelope: each data section is an encoded message. */
function unbatch(envelope: Message): Message[] {
  const body = envelope.body as { content?: Buffer | Buffer[]; multiple?: boolean } | undefined;
  const sections = body?.content === undefined ? [] : body.multiple ? (body.content as Buffer[]) : [body.content as Buffer];
  return sections.map((section) => rhea.message.decode(section) as unknown as Message);
}
