import type { Column, ConnectionSpec, FilePreview, PreviewOptions, ScheduleParams, SourceKind } from '../../api/flow-service.api.js';
import type { Mapping } from '../../api/data-prep.api.js';
import type { ResolvedSchema } from '../../api/schema-registry.api.js';

export type TargetChoice =
  | { mode: 'existing'; dataSetId: string; dataSetName: string; schemaId: string }
  | { mode: 'new'; dataSetName: string; schemaId: string };

/** How a streaming flow reads its source (AEP's source connection params). */
export interface StreamParams {
  /** `raw`: any JSON object, mapped by the flow; `xdm`: XDM entities, or AEP's envelopes around them (`body.xdmEntity`). */
  dataType: 'raw' | 'xdm';
  /** Where a partition without a checkpoint starts. */
  reset: 'latest' | 'earliest';
  /** Event Hubs only. */
  consumerGroup: string;
}

/** Everything the sources workflow collects, step by step, before it creates the dataflow. */
export interface WizardState {
  spec: ConnectionSpec;
  kind: SourceKind;
  // Each later step's choice is cleared (set to undefined) when an earlier one changes.
  /** An HTTP API inlet's account also says where records are posted (`inletUrl`) and whether a post needs a token. */
  connection?: { id: string; name: string; inletId?: string; inletUrl?: string; authenticationRequired?: boolean } | undefined;
  source?: { path: string; type: 'file' | 'folder'; recursive: boolean; previewFile: string } | undefined;
  /** The Kinesis stream or event hub a streaming flow reads. */
  stream?: string | undefined;
  streamParams: StreamParams;
  options: PreviewOptions;
  /** For a stream: the records as the flow maps them (XDM envelopes unwrapped to their entities). */
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
