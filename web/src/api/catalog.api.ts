import type { Api } from './client.js';

const CATALOG = '/data/foundation/catalog';

export interface DataSet {
  id: string;
  name: string;
  description?: string;
  schemaRef?: { id: string; contentType?: string };
  created?: number;
  updated?: number;
  lastBatchStatus?: string;
}

export interface Batch {
  id: string;
  status: string;
  created?: number;
  completed?: number;
  recordCount?: number;
  failedRecordCount?: number;
  relatedObjects?: Array<{ type: string; id: string }>;
  errors?: Array<{ code?: string; description?: string }>;
}

const keyed = <T>(body: Record<string, T>) => Object.entries(body ?? {}).map(([id, value]) => ({ ...(value as object), id }) as T & { id: string });

export function catalog(api: Api) {
  /** The newest batches (100 at most) a Catalog query selects. */
  const batchList = async (query: string) =>
    keyed<Batch>(await api.get<Record<string, Batch>>(`${CATALOG}/batches?${query}&limit=100&orderBy=desc:created`)).sort(
      (a, b) => (b.created ?? 0) - (a.created ?? 0),
    );
  return {
    dataSets: async () => keyed<DataSet>(await api.get<Record<string, DataSet>>(`${CATALOG}/dataSets?limit=100&orderBy=desc:created`)),
    dataSet: async (id: string) => keyed<DataSet>(await api.get<Record<string, DataSet>>(`${CATALOG}/dataSets/${id}`))[0]!,
    createDataSet: async (body: unknown) => {
      const created = await api.post<string[]>(`${CATALOG}/dataSets?requestDataSource=true`, body);
      return created[0]!.replace('@/dataSets/', '');
    },
    deleteDataSet: (id: string) => api.delete(`${CATALOG}/dataSets/${id}`),
    batches: (dataSetId: string) => batchList(`dataSet=${encodeURIComponent(dataSetId)}`),
    /** A streaming flow's run: its micro-batches, each of which names the run among its related objects. */
    runBatches: (runId: string) => batchList(`property=${encodeURIComponent(`relatedObjects.id==${runId}`)}`),
  };
}
