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
  return {
    dataSets: async () => keyed<DataSet>(await api.get<Record<string, DataSet>>(`${CATALOG}/dataSets?limit=100&orderBy=desc:created`)),
    dataSet: async (id: string) => keyed<DataSet>(await api.get<Record<string, DataSet>>(`${CATALOG}/dataSets/${id}`))[0]!,
    createDataSet: async (body: unknown) => {
      const created = await api.post<string[]>(`${CATALOG}/dataSets?requestDataSource=true`, body);
      return created[0]!.replace('@/dataSets/', '');
    },
    deleteDataSet: (id: string) => api.delete(`${CATALOG}/dataSets/${id}`),
    batches: async (dataSetId: string) =>
      keyed<Batch>(await api.get<Record<string, Batch>>(`${CATALOG}/batches?dataSet=${dataSetId}&limit=100&orderBy=desc:created`)).sort(
        (a, b) => (b.created ?? 0) - (a.created ?? 0),
      ),
  };
}
