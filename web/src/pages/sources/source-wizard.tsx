import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'wouter';
import { flowService, specLabel } from '../../api/flow-service.api.js';
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
import type { WizardState } from './wizard-state.js';

const STEPS = ['Authenticate', 'Select data', 'Preview', 'Target', 'Mapping', 'Schedule', 'Review'] as const;

/** The sources workflow: connect, choose files, preview, target, map, schedule, create. */
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
    options: { fileType: 'delimited', columnDelimiter: ',', encoding: 'UTF-8', compressionType: 'none' },
    mappings: [],
    schedule: { frequency: 'once', interval: 15, startTime: Math.floor(Date.now() / 1000), backfill: true },
    flowName: `${specLabel(initial)} dataflow`,
  }));
  const [step, setStep] = useState(0);
  const [reached, setReached] = useState(0);
  const heading = useRef<HTMLHeadingElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: each new step puts the keyboard at its heading.
  useEffect(() => heading.current?.focus(), [step]);
  const update = (patch: Partial<WizardState>) => setState((s) => ({ ...s, ...patch }));
  const next = () => {
    setStep((s) => Math.min(s + 1, STEPS.length - 1));
    setReached((r) => Math.max(r, step + 1));
  };
  const props = { state, update, next };
  return (
    <section className="wizard">
      <p className="crumbs with-logo">
        <Link href="/sources">Sources</Link> / <ConnectorLogo specName={state.spec.name} size={20} /> {specLabel(state.spec)}
      </p>
      <ol className="steps" aria-label="Steps">
        {STEPS.map((label, i) => (
          <li key={label}>
            <button type="button" className="step" aria-current={i === step ? 'step' : undefined} disabled={i > reached} onClick={() => setStep(i)}>
              <span className="step-n">{i + 1}</span> {label}
            </button>
          </li>
        ))}
      </ol>
      <h1 tabIndex={-1} ref={heading} data-step={STEPS[step]}>
        {STEPS[step]}
      </h1>
      {step === 0 ? <AuthenticateStep {...props} /> : null}
      {step === 1 ? <BrowseStep {...props} /> : null}
      {step === 2 ? <PreviewStep {...props} /> : null}
      {step === 3 ? <TargetStep {...props} /> : null}
      {step === 4 ? <MappingStep {...props} /> : null}
      {step === 5 ? <ScheduleStep {...props} /> : null}
      {step === 6 ? <ReviewStep {...props} /> : null}
    </section>
  );
}
