import { randomUUID } from 'node:crypto';
import { CODES } from '../error-codes.js';
import { ServiceError } from '../errors.js';
import type { IdentityService } from '../identity/index.js';
import type { InletLog, InletRow, NewRecord } from './inlet-log.js';
import { parseMessage } from './inlet-messages.js';

/** What a post to an inlet carries to prove who sends it (used only by inlets that require authentication). */
export interface InletCredentials {
  bearer: string | undefined;
  apiKey: string | undefined;
  orgHeader: string | undefined;
  sandboxHeader: string | undefined;
}

export interface InletOptions {
  /** Records an inlet may hold unconsumed before posts answer 429. */
  maxBacklog: number;
}

const fail = (def: { code: string; kind: ServiceError['kind'] | null }, message: string) =>
  new ServiceError(def.kind ?? 'invalid', message, def.code);

/**
 * AEP's streaming ingestion endpoint: posts to an inlet are stored in its log before they are answered, so a 200
 * (or a message's 200 in a 207) means the record is durable and will be read by the inlet's stream.
 */
export class StreamingInletService {
  constructor(
    private readonly log: InletLog,
    private readonly identity: IdentityService,
    private readonly options: InletOptions,
  ) {}

  /** `POST /collection/{inletId}`: one message. */
  async collect(inletId: string, credentials: InletCredentials, message: unknown) {
    await this.admit(inletId, credentials);
    const parsed = parseMessage(message);
    if (!parsed.ok) throw parsed.status === 413 ? fail(CODES.inletMessageTooLarge, parsed.message) : fail(CODES.inletMessageInvalid, parsed.message);
    const receivedTimeMs = Date.now();
    const xactionId = transactionId(receivedTimeMs);
    await this.store(inletId, [{ ...parsed.record, xactionId }]);
    return { inletId, xactionId, receivedTimeMs };
  }

  /** `POST /collection/batch/{inletId}`: several messages, each with its own status; the good ones are stored together. */
  async collectBatch(inletId: string, credentials: InletCredentials, body: unknown) {
    await this.admit(inletId, credentials);
    const messages = (body as { messages?: unknown } | null)?.messages;
    if (!Array.isArray(messages) || messages.length === 0)
      throw fail(CODES.inletBatchInvalid, 'the body must be {"messages": [...]} with at least one message');
    const receivedTimeMs = Date.now();
    const records: NewRecord[] = [];
    const responses = messages.map((message, index) => {
      const parsed = parseMessage(message);
      if (!parsed.ok) return { status: parsed.status, message: `messages[${index}]: ${parsed.message}` };
      const xactionId = transactionId(receivedTimeMs, index);
      records.push({ ...parsed.record, xactionId });
      return { xactionId, status: 200 };
    });
    await this.store(inletId, records);
    return { inletId, batchId: transactionId(receivedTimeMs), receivedTimeMs, responses };
  }

  private async store(inletId: string, records: NewRecord[]): Promise<void> {
    const sequences = await this.log.append(inletId, records, this.options.maxBacklog);
    if (sequences === null) {
      throw fail(CODES.inletBacklogFull, `the inlet holds ${this.options.maxBacklog} records not yet consumed; retry once its stream has read them`);
    }
  }

  /** The inlet, once the post may go to it: with a token of its org and sandbox when it requires authentication. */
  private async admit(inletId: string, credentials: InletCredentials): Promise<InletRow> {
    const inlet = /^[0-9a-f]{64}$/.test(inletId) ? await this.log.find(inletId) : undefined;
    if (!inlet) throw fail(CODES.inletNotFound, `No inlet ${inletId}`);
    if (inlet.authentication_required) {
      const scope = await this.identity.authorize(credentials);
      if (scope.orgId !== inlet.org_id || scope.sandboxId !== inlet.sandbox_id) {
        throw fail(CODES.inletWrongScope, "the access token is not of the inlet's org and sandbox");
      }
    }
    return inlet;
  }
}

/** AEP's transaction ids read `<received ms>:<a number>:<a number>`; the UUID part keeps them unique. */
function transactionId(receivedTimeMs: number, index?: number): string {
  const unique = randomUUID().slice(0, 8);
  return index === undefined ? `${receivedTimeMs}:${unique}` : `${receivedTimeMs}:${unique}:${index}`;
}
