import { describe, expect, it } from 'vitest';
import { Manifest } from './file-manifest.js';
import type { ManifestRow } from './flow-files.repo.js';

const NOW = Date.UTC(2026, 0, 1);

function row(path: string, tag: string, fields: Partial<ManifestRow> = {}): ManifestRow {
  return {
    path,
    version_tag: tag,
    status: 'ingested',
    run_id: 'run-1',
    batch_id: null,
    recorded_at: new Date(NOW - 1000),
    reason_code: null,
    reason_message: null,
    failure_kind: null,
    attempts: 1,
    next_attempt_at: null,
    ...fields,
  };
}

describe('the manifest decision', () => {
  const manifest = new Manifest([
    row('/a.csv', 'v1'),
    row('/bad.csv', 'v1', { status: 'failed', failure_kind: 'content', reason_code: 'FILE-5005' }),
    row('/later.csv', 'v1', { status: 'failed', failure_kind: 'transient', next_attempt_at: new Date(NOW + 60_000) }),
    row('/due.csv', 'v1', { status: 'failed', failure_kind: 'transient', next_attempt_at: new Date(NOW - 1) }),
    row('/old.csv', 'v1', { status: 'failed' }),
  ]);

  it('takes new and changed files, skips what landed', () => {
    expect(manifest.judge('/new.csv', 'v1', NOW)).toBe('new');
    expect(manifest.judge('/a.csv', 'v2', NOW)).toBe('changed');
    expect(manifest.judge('/a.csv', 'v1', NOW)).toBe('already_ingested');
  });

  it('keeps a version that failed for its content out until it changes or its run is re-triggered', () => {
    expect(manifest.judge('/bad.csv', 'v1', NOW)).toBe('failed_content');
    expect(manifest.judge('/bad.csv', 'v2', NOW)).toBe('changed');
    expect(manifest.judge('/bad.csv', 'v1', NOW, 'run-1')).toBe('retry');
    expect(manifest.judge('/bad.csv', 'v1', NOW, 'run-2')).toBe('failed_content');
  });

  it('retries a transient failure once its delay has passed', () => {
    expect(manifest.judge('/later.csv', 'v1', NOW)).toBe('retry_later');
    expect(manifest.judge('/later.csv', 'v1', NOW + 60_001)).toBe('retry');
    expect(manifest.judge('/due.csv', 'v1', NOW)).toBe('retry');
    // A failure recorded before failures were classified is retried, as it was then.
    expect(manifest.judge('/old.csv', 'v1', NOW)).toBe('retry');
  });
});
