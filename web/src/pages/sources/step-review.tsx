import { useRef, useState } from 'react';
import { useLocation } from 'wouter';
import { catalog } from '../../api/catalog.api.js';
import { dataPrep } from '../../api/data-prep.api.js';
import { DATA_LAKE_SPEC, flowService, specLabel } from '../../api/flow-service.api.js';
import { useApp } from '../../app-context.js';
import { ErrorNote } from '../../components/ui.js';
import type { StepProps } from './wizard-state.js';
import { Icon } from '../../components/icon.js';
import { scheduleInWords } from '../../lib/schedule.js';

const FLOW_SPEC_NAME = 'CloudStorageToAEP';

/** Step 7: everything chosen, then the calls of the tutorial in order: dataset, connections, mapping set, flow. */
export function ReviewStep({ state }: StepProps) {
  const { api } = useApp();
  const [, navigate] = useLocation();
  const [progress, setProgress] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const target = state.target!;
  const source = state.source!;
  const schedule = state.schedule;
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
      const format = state.options;
      made.current.sourceId ??= (
        await fs.createSourceConnection({
          name: `${state.flowName} source`,
          baseConnectionId: state.connection!.id,
          data: {
            format: format.fileType,
            properties: {
              ...(format.fileType === 'delimited' && format.columnDelimiter ? { columnDelimiter: format.columnDelimiter } : {}),
              ...(format.encoding ? { encoding: format.encoding } : {}),
              ...(format.compressionType && format.compressionType !== 'none' ? { compressionType: format.compressionType } : {}),
            },
          },
          params: { path: source.path, type: source.type, recursive: String(source.recursive) },
          connectionSpec: { id: state.spec.id, version: state.spec.version ?? '1.0' },
        })
      ).id;
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
      const flowSpec = await fs.flowSpecByName(FLOW_SPEC_NAME);
      if (!flowSpec) throw new Error(`flow spec ${FLOW_SPEC_NAME} not found`);
      const flow = await fs.createFlow({
        name: state.flowName,
        description: `${specLabel(state.spec)} ${source.path} → ${target.dataSetName}`,
        flowSpec: { id: flowSpec.id, version: '1.0' },
        sourceConnectionIds: [made.current.sourceId],
        targetConnectionIds: [made.current.targetId],
        transformations: [{ name: 'Mapping', params: { mappingId: mappingSet.id, mappingVersion: String(mappingSet.version ?? 0) } }],
        scheduleParams:
          schedule.frequency === 'once'
            ? { frequency: 'once', startTime: String(schedule.startTime) }
            : {
                frequency: schedule.frequency,
                interval: String(schedule.interval),
                startTime: String(schedule.startTime),
                backfill: String(schedule.backfill ?? true),
              },
      });
      done('Dataflow created');
      navigate(`/dataflows/${flow.id}`);
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
        <dd>
          {source.type} <code>{source.path}</code>
          {source.recursive ? ' (with sub-folders)' : ''} · {state.options.fileType}
          {state.options.fileType === 'delimited' ? ` · delimiter ${JSON.stringify(state.options.columnDelimiter)}` : ''} · {state.options.encoding}
          {state.options.compressionType !== 'none' ? ` · ${state.options.compressionType}` : ''}
        </dd>
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
          {scheduleInWords(schedule)}
          {schedule.frequency !== 'once' ? (schedule.backfill ? ', with backfill' : ', without backfill') : ''}
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
      <div className="actions">
        <button type="button" onClick={() => void create()} disabled={busy}>
          {busy ? 'Creating…' : 'Create dataflow'}
        </button>
      </div>
    </div>
  );
}
