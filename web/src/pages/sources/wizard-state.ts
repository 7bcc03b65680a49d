import type { Column, ConnectionSpec, FilePreview, PreviewOptions, ScheduleParams } from '../../api/flow-service.api.js';
import type { Mapping } from '../../api/data-prep.api.js';
import type { ResolvedSchema } from '../../api/schema-registry.api.js';

export type TargetChoice =
  | { mode: 'existing'; dataSetId: string; dataSetName: string; schemaId: string }
  | { mode: 'new'; dataSetName: string; schemaId: string };

/** Everything the sources workflow collects, step by step, before it creates the dataflow. */
export interface WizardState {
  spec: ConnectionSpec;
  // Each later step's choice is cleared (set to undefined) when an earlier one changes.
  connection?: { id: string; name: string } | undefined;
  source?: { path: string; type: 'file' | 'folder'; recursive: boolean; previewFile: string } | undefined;
  options: PreviewOptions;
  preview?: FilePreview | undefined;
  target?: TargetChoice | undefined;
  targetSchema?: ResolvedSchema | undefined;
  mappings: Mapping[];
  schedule: ScheduleParams;
  flowName: string;
}

export interface StepProps {
  state: WizardState;
  update: (patch: Partial<WizardState>) => void;
  next: () => void;
}

export function columnsOf(state: WizardState): Column[] {
  return state.preview?.schema.columns ?? [];
}
