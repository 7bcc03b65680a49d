import { useState, type FormEvent } from 'react';
import { flowService } from '../../api/flow-service.api.js';
import { useApp } from '../../app-context.js';
import { ErrorNote } from '../../components/ui.js';
import { useAsync } from '../../lib/use-async.js';
import { AuthForm, authParams } from './auth-form.js';
import type { StepProps } from './wizard-state.js';

/** Step 1: a new account from the connector's auth spec (or an existing one), tested before going on. */
export function AuthenticateStep({ state, update, next }: StepProps) {
  const { api } = useApp();
  const fs = flowService(api);
  const authSpecs = state.spec.authSpec ?? [];
  const existing = useAsync(async () => (await fs.connections()).filter((c) => c.connectionSpec.id === state.spec.id), [api, state.spec.id]);
  const [mode, setMode] = useState<'new' | 'existing'>('new');
  const [authName, setAuthName] = useState(authSpecs[0]?.name ?? '');
  const [name, setName] = useState(`${state.spec.attributes?.uiAttributes?.label ?? state.spec.name} account`);
  const [values, setValues] = useState<Record<string, unknown>>({});
  const [chosen, setChosen] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const authSpec = authSpecs.find((a) => a.name === authName) ?? authSpecs[0];

  const test = async (id: string, label: string) => {
    await fs.testConnection(id);
    update({ connection: { id, name: label } });
  };

  const connect = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    update({ connection: undefined });
    try {
      if (mode === 'new') {
        const created = await fs.createConnection({
          name,
          auth: { specName: authSpec?.name, params: authParams(values) },
          connectionSpec: { id: state.spec.id, version: state.spec.version ?? '1.0' },
        });
        await test(created.id, name);
      } else {
        const connection = existing.data?.find((c) => c.id === chosen);
        if (!connection) throw new Error('Choose an account');
        await test(connection.id, connection.name);
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={connect} className="stack narrow">
      <fieldset className="segmented">
        <legend>Account</legend>
        <label className="check">
          <input type="radio" name="account-mode" checked={mode === 'new'} onChange={() => setMode('new')} /> New account
        </label>
        <label className="check">
          <input
            type="radio"
            name="account-mode"
            checked={mode === 'existing'}
            onChange={() => setMode('existing')}
            disabled={!existing.data?.length}
          />{' '}
          Existing account
          {existing.data ? ` (${existing.data.length})` : ''}
        </label>
      </fieldset>
      {mode === 'new' ? (
        <>
          <label>
            <span>Account name</span>
            <input required value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          {authSpecs.length > 1 ? (
            <label>
              <span>Authentication</span>
              <select value={authName} onChange={(e) => (setAuthName(e.target.value), setValues({}))}>
                {authSpecs.map((a) => (
                  <option key={a.name}>{a.name}</option>
                ))}
              </select>
            </label>
          ) : null}
          {authSpec ? (
            <AuthForm schema={authSpec.spec} values={values} onChange={setValues} idPrefix="auth" />
          ) : (
            <p className="muted">This connector needs no credentials.</p>
          )}
        </>
      ) : (
        <label>
          <span>Account</span>
          <select value={chosen} onChange={(e) => setChosen(e.target.value)} required>
            <option value="">Choose…</option>
            {existing.data?.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <ErrorNote error={error} title="Connection failed" />
      {state.connection ? (
        <p className="note ok" role="status">
          Connected to “{state.connection.name}”: the connection test passed.
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" disabled={busy} className={state.connection ? 'secondary' : undefined}>
          {busy ? 'Testing…' : mode === 'new' ? 'Connect and test' : 'Test connection'}
        </button>
        <button type="button" onClick={next} disabled={!state.connection}>
          Next
        </button>
      </div>
    </form>
  );
}
