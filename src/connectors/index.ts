// Placeholder until the connectors land.
import type { FileConnector } from './sdk.js';
export * from './sdk.js';

export class ConnectorRegistry {
  constructor(private readonly connectors: FileConnector[] = []) {}
  get(specId: string): FileConnector | undefined {
    return this.connectors.find((c) => c.spec.id === specId);
  }
  all(): FileConnector[] {
    return [...this.connectors];
  }
}
