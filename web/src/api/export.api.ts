import type { Api } from './client.js';

const EXPORT = '/data/foundation/export';

export interface BatchFile {
  dataSetFileId: string;
  records?: number;
  size?: number;
}

export interface RowError {
  [key: string]: unknown;
}

export function dataAccess(api: Api) {
  return {
    batchFiles: async (batchId: string) => (await api.get<{ data: BatchFile[] }>(`${EXPORT}/batches/${batchId}/files`)).data,
    fileListing: async (fileId: string) =>
      (await api.get<{ data: Array<{ name: string; length: string | number }> }>(`${EXPORT}/files/${fileId}`)).data,
    download: (fileId: string, name: string) =>
      api.get<ArrayBuffer>(`${EXPORT}/files/${fileId}?path=${encodeURIComponent(name)}`, { as: 'bytes', accept: '*/*' }),
    /** `row_errors` is JSON lines: one error object a line. */
    rowErrors: async (batchId: string): Promise<RowError[]> => {
      const text = await api.get<string>(`${EXPORT}/batches/${batchId}/meta?path=row_errors`, { as: 'text', accept: '*/*' });
      return text
        .split('\n')
        .filter((line) => line.trim())
        .map((line) => JSON.parse(line) as RowError);
    },
    datasetPreview: (dataSetId: string) => api.get<unknown>(`${EXPORT}/datasets/${dataSetId}/preview`),
  };
}
