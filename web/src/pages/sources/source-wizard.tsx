import { type ComponentType, useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'wouter';
import { type ConnectionSpec, flowService, type SourceKind, sourceKind, specLabel } from '../../api/flow-service.api.js';
import { useApp } from '../../app-context.js';
import { ConnectorLogo } from '../../components/connector-logo.js';
import { ErrorNote, Loading } from '../../components/ui.js';
import { useAsync } from '../../lib/use-async.js';
import { AuthenticateStep } from './step-authenticate.js';
import { BrowseStep } from './step-browse.js';
import { PreviewStep } from './step-preview.js';
import { TargetStep } from './step-target.js';
import { MappingStep } from './step-mapping.js';
import { ScheduleStep } from './step-schedule.js';
import { ReviewStep } from './step-review.js';
import { StreamBrowseStep } from './step-stream-browse.js';
import { StreamPreviewStep } from './step-stream-preview.js';
import { StreamSettingsStep } from './step-stream-settings.js';
import type { StepProps, StreamParams, WizardState } from './wizard-state.js';

type Step = { label: string; Component: ComponentType<StepProps> };

/**
 * The steps of each kind of source. Files are browsed, previewed and scheduled; a stream is picked and its recent
 * records previewed, and its dataflow runs continuously (no schedule); an inlet has nothing to browse.
 */
const STEPS: Record<SourceKind, Step[]> = {
  files: [
    { label: 'Authenticate', Component: AuthenticateStep },
    { label: 'Select data', Component: BrowseStep },
    { label: 'Preview', Component: PreviewStep },
    { label: 'Target', Component: TargetStep },
    { label: 'Mapping', Component: MappingStep },
    { label: 'Schedule', Component: ScheduleStep },
    { label: 'Review', Component: ReviewStep },
  ],
  stream: [
    { label: 'Authenticate', Component: AuthenticateStep },
    { label: 'Select stream', Component: StreamBrowseStep },
    { label: 'Preview', Component: StreamPreviewStep },
    { label: 'Target', Component: TargetStep },
    { label: 'Mapping', Component: MappingStep },
    { label: 'Stream settings', Component: StreamSettingsStep },
    { label: 'Review', Component: ReviewStep },
  ],
  inlet: [
    { label: 'Authenticate', Component: AuthenticateStep },
    { label: 'Preview', Component: StreamPreviewStep },
    { label: 'Target', Component: TargetStep },
    { label: 'Mapping', Component: MappingStep },
    { label: 'Stream settings', Component: StreamSettingsStep },
    { label: 'Review', Component: ReviewStep },
  ],
};

/** A stream source's params at first: the spec's defaults (Kinesis starts at the latest record, Event Hubs and inlets at the earliest). */
function initialStreamParams(spec: ConnectionSpec): StreamParams {
  const props = spec.sourceSpec?.spec?.properties ?? {};
  return {
    dataType: props.dataType?.default === 'xdm' ? 'xdm' : 'raw',
    reset: props.reset?.default === 'earliest' ? 'earliest' : 'latest',
    consumerGroup: typeof props.consumerGroup?.default === 'string' ? props.consumerGroup.default : '$Default',
  };
}

/** The sources workflow: connect, choose files or a stream, preview, target, map, schedule (files), create. */
export default function SourceWizard() {
  const { specId } = useParams<{ specId: string }>();
  const { api } = useApp();
  const spec = useAsync(() => flowService(api).connectionSpec(specId!), [api, specId]);
  if (spec.loading) return <Loading />;
  if (spec.error || !spec.data) return <ErrorNote error={spec.error ?? new Error('connector not found')} />;
  return <Wizard key={spec.data.id} initial={spec.data} />;
}

function Wizard({ initial }: { initial: WizardState['spec'] }) {
  const [state, setState] = useState<WizardState>(() => ({
    spec: initial,
    kind: sourceKind(initial),
    streamParams: initialStreamParams(initial),
    options: { fileType: 'delimited', columnDelimiter: ',', encoding: 'UTF-8', compressionType: 'none' },
    mappings: [],
    schedule: { frequency: 'once', interval: 15, startTime: Math.floor(Date.now() / 1000), backfill: true },
    flowName: `${specLabel(initial)} dataflow`,
  }));
  const steps = STEPS[state.kind];
  const [step, setStep] = useState(0);
  const [reached, setReached] = useState(0);
  const heading = useRef<HTMLHeadingElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: each new step puts the keyboard at its heading.
  useEffect(() => heading.current?.focus(), [step]);
  const update = (patch: Partial<WizardState>) => setState((s) => ({ ...s, ...patch }));
  const next = () => {
    setStep((s) => Math.min(s + 1, steps.length - 1));
    setReached((r) => Math.max(r, step + 1));
  };
  const props = { state, update, next };
  const Current = steps[step]!.Component;
  return (
    <section className="wizard">
      <p className="crumbs with-logo">
        <Link href="/sources">Sources</Link> / <ConnectorLogo specName={state.spec.name} size={20} /> {specLabel(state.spec)}
      </p>
      <ol className="steps" aria-label="Steps">
        {steps.map(({ label }, i) => (
          <li key={label}>
            <button type="button" className="step" aria-current={i === step ? 'step' : undefined} disabled={i > reached} onClick={() => setStep(i)}>
              <span className="step-n">{i + 1}</span> {label}
            </button>
          </li>
        ))}
      </ol>
      <h1 tabIndex={-1} ref={heading} data-step={steps[step]!.label}>
        {steps[step]!.label}
      </h1>
      <Current {...props} />
    </section>
  );
}
