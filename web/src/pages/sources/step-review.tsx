import { useRef, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { catalog } from '../../api/catalog.api.js';
import { dataPrep } from '../../api/data-prep.api.js';
import { DATA_LAKE_SPEC, EVENT_HUBS_SPEC, flowService, STREAMING_FLOW_SPEC, specLabel } from '../../api/flow-service.api.js';
import { InletAddress } from '../../components/inlet-address.js';
import { useApp } from '../../app-context.js';
import { ErrorNote } from '../../components/ui.js';
import type { StepProps, WizardState } from './wizard-state.js';
import { Icon } from '../../components/icon.js';
import { scheduleInWords } from '../../lib/schedule.js';

const FLOW_SPEC_NAME = 'CloudStorageToAEP';

/** The source connection of the README's sessions: a file source's path and format, or a stream's params. */
function sourceConnectionBody(state: WizardState) {
  const common = {
    name: `${state.flowName} source`,
    baseConnectionId: state.connection!.id,
    connectionSpec: { id: state.spec.id, version: state.spec.version ?? '1.0' },
  };
  const { dataType, reset, consumerGroup } = state.streamParams;
  if (state.kind === 'inlet') return { ...common, data: { format: 'json' }, params: { dataType } };
  if (state.kind === 'stream') {
    const params =
      state.spec.id === EVENT_HUBS_SPEC ? { eventHubName: state.stream, dataType, reset, consumerGroup } : { stream: state.stream, dataType, reset };
    return { ...common, data: { format: 'json' }, params };
  }
  const source = state.source!;
  const format = state.options;
  return {
    ...common,
    data: {
      format: format.fileType,
      properties: {
        ...(format.fileType === 'delimited' && format.columnDelimiter ? { columnDelimiter: format.columnDelimiter } : {}),
        ...(format.encoding ? { encoding: format.encoding } : {}),
        ...(format.compressionType && format.compressionType !== 'none' ? { compressionType: format.compressionType } : {}),
      },
    },
    params: { path: source.path, type: source.type, recursive: String(source.recursive) },
  };
}

/** What the dataflow reads, in words, for its description and the summary. */
function sourceInWords(state: WizardState): string {
  if (state.kind === 'inlet') return `inlet ${state.connection?.name ?? ''}`.trim();
  if (state.kind === 'stream') return state.stream ?? '';
  return state.source?.path ?? '';
}

/** Step 7: everything chosen, then the calls of the tutorial in order: dataset, connections, mapping set, flow. */
export function ReviewStep({ state }: StepProps) {
  const { api } = useApp();
  const [, navigate] = useLocation();
  const [progress, setProgress] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const target = state.target!;
  const source = state.source;
  const streaming = state.kind !== 'files';
  const schedule = state.schedule;
  const [created, setCreated] = useState<string | null>(null);
  // What a failed attempt already created is reused by the next one, so a retry makes no duplicates.
  const made = useRef<{ dataSetId?: string; sourceId?: string; targetId?: string; mapping?: { id: string; version: number } }>({});

  const create = async () => {
    setBusy(true);
    setError(null);
    setProgress([]);
    const done = (step: string) => setProgress((p) => [...p, step]);
    try {
      const fs = flowService(api);
      const dataSetId =
        target.mode === 'existing'
          ? target.dataSetId
          : (made.current.dataSetId ??= await catalog(api).createDataSet({
              name: target.dataSetName,
              schemaRef: { id: target.schemaId, contentType: 'application/vnd.adobe.xed-full+json;version=1' },
            }));
      if (target.mode === 'new') done(`Dataset “${target.dataSetName}” created`);
      made.current.sourceId ??= (await fs.createSourceConnection(sourceConnectionBody(state))).id;
      done('Source connection created');
      made.current.targetId ??= (
        await fs.createTargetConnection({
          name: `${state.flowName} target`,
          data: { schema: { id: target.schemaId, version: 'application/vnd.adobe.xed-full+json;version=1.0' } },
          params: { dataSetId },
          connectionSpec: { id: DATA_LAKE_SPEC, version: '1.0' },
        })
      ).id;
      done('Target connection created');
      const mappingSet = (made.current.mapping ??= await dataPrep(api).createMappingSet(
        target.schemaId,
        state.mappings.filter((m) => m.source && m.destination),
      ));
      done('Mapping set created');
      // A streaming flow has AEP's fixed spec id and no schedule: it runs while it is enabled.
      const flowSpecId = streaming ? STREAMING_FLOW_SPEC : (await fs.flowSpecByName(FLOW_SPEC_NAME))?.id;
      if (!flowSpecId) throw new Error(`flow spec ${FLOW_SPEC_NAME} not found`);
      const flow = await fs.createFlow({
        name: state.flowName,
        description: `${specLabel(state.spec)} ${sourceInWords(state)} → ${target.dataSetName}`,
        flowSpec: { id: flowSpecId, version: '1.0' },
        sourceConnectionIds: [made.current.sourceId],
        targetConnectionIds: [made.current.targetId],
        transformations: [{ name: 'Mapping', params: { mappingId: mappingSet.id, mappingVersion: String(mappingSet.version ?? 0) } }],
        ...(streaming
          ? {}
          : {
              scheduleParams:
                schedule.frequency === 'once'
                  ? { frequency: 'once', startTime: String(schedule.startTime) }
                  : {
                      frequency: schedule.frequency,
                      interval: String(schedule.interval),
                      startTime: String(schedule.startTime),
                      backfill: String(schedule.backfill ?? true),
                    },
            }),
      });
      done('Dataflow created');
      // An inlet's dataflow is done only once records are posted: the page stays to say where.
      if (state.kind === 'inlet') setCreated(flow.id);
      else navigate(`/dataflows/${flow.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="stack narrow">
      <dl className="summary">
        <dt>Connector</dt>
        <dd>{specLabel(state.spec)}</dd>
        <dt>Account</dt>
        <dd>{state.connection?.name}</dd>
        <dt>Data</dt>
        {source ? (
          <dd>
            {source.type} <code>{source.path}</code>
            {source.recursive ? ' (with sub-folders)' : ''} · {state.options.fileType}
            {state.options.fileType === 'delimited' ? ` · delimiter ${JSON.stringify(state.options.columnDelimiter)}` : ''} · {state.options.encoding}
            {state.options.compressionType !== 'none' ? ` · ${state.options.compressionType}` : ''}
          </dd>
        ) : (
          <dd data-testid="review-stream">
            {state.kind === 'inlet' ? 'records posted to the inlet' : <code>{state.stream}</code>} ·{' '}
            {state.streamParams.dataType === 'xdm' ? 'XDM' : 'raw JSON'}
            {state.kind === 'stream' ? ` · from the ${state.streamParams.reset} record` : ''}
            {state.spec.id === EVENT_HUBS_SPEC ? ` · consumer group ${state.streamParams.consumerGroup}` : ''}
          </dd>
        )}
        <dt>Dataset</dt>
        <dd>
          {target.dataSetName} ({target.mode === 'new' ? 'new' : 'existing'})
        </dd>
        <dt>Schema</dt>
        <dd>{state.targetSchema?.title ?? target.schemaId}</dd>
        <dt>Mappings</dt>
        <dd>
          <ul className="plain">
            {state.mappings
              .filter((m) => m.source && m.destination)
              .map((m) => (
                <li key={m.destination}>
                  <code>{m.source}</code> <Icon name="arrow-right" label="to" /> <code>{m.destination}</code>
                </li>
              ))}
          </ul>
        </dd>
        <dt>Schedule</dt>
        <dd>
          {streaming ? 'continuous: runs while enabled' : scheduleInWords(schedule)}
          {!streaming && schedule.frequency !== 'once' ? (schedule.backfill ? ', with backfill' : ', without backfill') : ''}
        </dd>
        <dt>Name</dt>
        <dd>{state.flowName}</dd>
      </dl>
      {progress.length ? (
        <ul className="plain" role="status" aria-live="polite">
          {progress.map((p) => (
            <li key={p}>
              <Icon name="check" className="ok" /> {p}
            </li>
          ))}
        </ul>
      ) : null}
      <ErrorNote error={error} title="Could not create the dataflow" />
      {created && state.connection?.inletUrl ? (
        <>
          <h2>Send records</h2>
          <InletAddress
            inletUrl={state.connection.inletUrl}
            authenticationRequired={state.connection.authenticationRequired ?? false}
            record={state.preview?.data[0]}
          />
          <div className="actions">
            <Link href={`/dataflows/${created}`} className="button">
              Open the dataflow
            </Link>
          </div>
        </>
      ) : (
        <div className="actions">
          <button type="button" onClick={() => void create()} disabled={busy}>
            {busy ? 'Creating…' : 'Create dataflow'}
          </button>
        </div>
      )}
    </div>
  );
}
