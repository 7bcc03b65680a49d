import type { Api } from './client.js';

export interface Sandbox {
  name: string;
  title?: string;
  state?: string;
  type?: string;
}

export function sandboxes(api: Api) {
  return {
    list: async () => {
      const body = await api.get<{ sandboxes?: Sandbox[]; items?: Sandbox[] } | Sandbox[]>('/data/foundation/sandbox-management/sandboxes');
      return Array.isArray(body) ? body : (body.sandboxes ?? body.items ?? []);
    },
  };
}

/** Which optional routes the server has (see src/http/web/web-ui.plugin.ts). */
export interface Capabilities {
  mappingPreview: boolean;
  functions: boolean;
  query: boolean;
  sandboxes: boolean;
  datasetPreview: boolean;
}

export async function loadCapabilities(): Promise<Capabilities> {
  try {
    const response = await fetch('/tributary/ui/capabilities');
    if (response.ok) return (await response.json()) as Capabilities;
  } catch {
    /* an older server */
  }
  return { mappingPreview: false, functions: false, query: false, sandboxes: false, datasetPreview: false };
}
