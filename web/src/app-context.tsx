import { createContext, useContext } from 'react';
import type { Api } from './api/client.js';
import type { Capabilities } from './api/sandbox.api.js';
import type { Session } from './api/session.js';

export interface AppContextValue {
  api: Api;
  session: Session;
  capabilities: Capabilities;
  signOut: () => void;
  switchSandbox: (name: string) => void;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside the signed-in app');
  return value;
}
