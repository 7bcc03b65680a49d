import { useState, type FormEvent } from 'react';
import { flowService } from '../../api/flow-service.api.js';
import { useApp } from '../../app-context.js';
import { ErrorNote } from '../../components/ui.js';
import { AccountStatus, rememberTest, testAccount, useAccountTests } from '../../lib/account-status.js';
import { useAsync } from '../../lib/use-async.js';
import { AuthForm, authParams } from './auth-form.js';
import type { StepProps, WizardState } from './wizard-state.js';

/** What the wizard keeps of an account: an inlet's also says where to post and whether a post needs a token. */
function chosenAccount(c: {
  id: string;
  name: string;
  auth?: { params?: Record<string, unknown> } | undefined;
}): NonNullable<WizardState['connection']> {
  const params = c.auth?.params ?? {};
  return {
    id: c.id,
    name: c.name,
    ...(typeof params.inletId === 'string' ? { inletId: params.inletId } : {}),
    ...(typeof params.inletUrl === 'string' ? { inletUrl: params.inletUrl } : {}),
    ...(typeof params.authenticationRequired === 'boolean' ? { authenticationRequired: params.authenticationRequired } : {}),
  };
}

/** The account this form saved: later submits update it (PATCH) rather than making another. */
interface Draft {
  id: string;
  etag: string;
  authName: string;
  passed: boolean;
  /** An HTTP API inlet's: where records are posted. */
  inletId?: string | undefined;
  inletUrl?: string | undefined;
}

/** What went wrong, said so that the next step is clear. */
interface Problem {
  title: string;
  error: unknown;
}

/**
 * Step 1: a new account from the connector's auth spec (or an existing one), tested before going on.
 * One account per form: a failed test keeps the account, and fixing the settings updates that same
 * account and tests it again.
 */
export function AuthenticateStep({ state, update, next }: StepProps) {
  const { api } = useApp();
  const fs = flowService(api);
  const authSpecs = state.spec.authSpec ?? [];
  const existing = useAsync(async () => (await fs.connections()).filter((c) => c.connectionSpec.id === state.spec.id), [api, state.spec.id]);
  const tests = useAccountTests(api, existing.data);
  const [mode, setMode] = useState<'new' | 'existing'>('new');
  const [authName, setAuthName] = useState(authSpecs[0]?.name ?? '');
  const [name, setName] = useState(`${state.spec.attributes?.uiAttributes?.label ?? state.spec.name} account`);
  const [values, setValues] = useState<Record<string, unknown>>({});
  // An inlet asks only for its name and whether posts need a token; its other params follow from those.
  const inlet = state.kind === 'inlet';
  const [tokenRequired, setTokenRequired] = useState(false);
  const [chosen, setChosen] = useState(state.connection?.id ?? '');
  const [draft, setDraft] = useState<Draft | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const authSpec = authSpecs.find((a) => a.name === authName) ?? authSpecs[0];

  // Any change makes the last outcome stale: its message goes, and the account must be tested again.
  const changed = () => {
    setProblem(null);
    if (state.connection) update({ connection: undefined });
  };

  /** Saves the new account (or the draft again, with the fixed settings) and returns it. */
  const save = async (): Promise<Draft> => {
    const params = inlet ? { name, sourceId: name, authenticationRequired: tokenRequired } : authParams(values);
    if (draft && draft.authName === authSpec?.name) {
      const patched = await fs.patchConnection(draft.id, draft.etag, [
        { op: 'replace', path: '/name', value: name },
        { op: 'replace', path: '/auth/params', value: params },
      ]);
      return { ...draft, etag: patched.etag ?? draft.etag };
    }
    // A different kind of credentials cannot be patched in: the failed draft gives way to a new account.
    if (draft && !draft.passed) await fs.deleteConnection(draft.id).catch(() => undefined);
    const created = await fs.createConnection({
      name,
      auth: { specName: authSpec?.name, params },
      connectionSpec: { id: state.spec.id, version: state.spec.version ?? '1.0' },
    });
    return {
      id: created.id,
      etag: created.etag ?? '',
      authName: authSpec?.name ?? '',
      passed: false,
      inletId: created.inletId,
      inletUrl: created.inletUrl,
    };
  };

  const connect = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    update({ connection: undefined });
    try {
      if (mode === 'new') {
        let saved: Draft;
        try {
          saved = await save();
        } catch (error) {
          setProblem({ title: draft ? 'The account could not be updated' : 'The account could not be saved', error });
          return;
        }
        setDraft(saved);
        const result = await testAccount(api, saved);
        if (result.state === 'ok') {
          setDraft({ ...saved, passed: true });
          update({
            connection: chosenAccount({
              id: saved.id,
              name,
              auth: { params: { inletId: saved.inletId, inletUrl: saved.inletUrl, ...(inlet ? { authenticationRequired: tokenRequired } : {}) } },
            }),
          });
        } else {
          setDraft({ ...saved, passed: false });
          setProblem({
            title: `“${name}” is saved, but its connection test failed`,
            error: `${result.message} — fix the settings and press “Save and test again”: the same account is updated, no other is made.`,
          });
        }
        existing.reload();
      } else {
        const connection = existing.data?.find((c) => c.id === chosen);
        if (!connection) {
          setProblem({ title: 'No account chosen', error: 'Choose one of the accounts above.' });
          return;
        }
        const result = await testAccount(api, connection);
        rememberTest(connection, result);
        if (result.state === 'ok') update({ connection: chosenAccount(connection) });
        else setProblem({ title: `The connection test of “${connection.name}” failed`, error: result.message });
        existing.reload();
      }
    } finally {
      setBusy(false);
    }
  };

  const others = existing.data ?? [];
  const label = mode === 'existing' ? 'Test connection' : draft && !draft.passed ? 'Save and test again' : 'Connect and test';

  return (
    <form onSubmit={connect} className="stack narrow">
      <fieldset className="segmented">
        <legend>Account</legend>
        <label className="check">
          <input
            type="radio"
            name="account-mode"
            checked={mode === 'new'}
            onChange={() => {
              setMode('new');
              changed();
            }}
          />{' '}
          New account
        </label>
        <label className="check">
          <input
            type="radio"
            name="account-mode"
            checked={mode === 'existing'}
            onChange={() => {
              setMode('existing');
              changed();
            }}
            disabled={!others.length}
          />{' '}
          Existing account
          {existing.data ? ` (${others.length})` : ''}
        </label>
      </fieldset>
      {mode === 'new' ? (
        <>
          {draft ? (
            <p className="muted small" data-testid="draft-note">
              Editing the account saved above ({draft.passed ? 'its test passed' : 'its test failed'}); saving again updates it.
            </p>
          ) : null}
          <label>
            <span>Account name</span>
            <input
              required
              value={name}
              onChange={(e) => {
                setName(e.target.value);
                changed();
              }}
            />
          </label>
          {authSpecs.length > 1 ? (
            <label>
              <span>Authentication</span>
              <select
                value={authName}
                onChange={(e) => {
                  setAuthName(e.target.value);
                  setValues({});
                  changed();
                }}
              >
                {authSpecs.map((a) => (
                  <option key={a.name}>{a.name}</option>
                ))}
              </select>
            </label>
          ) : null}
          {inlet ? (
            <>
              <p className="muted small">An HTTP API inlet: once it is saved, records posted to its URL go to the dataflow.</p>
              <label className="check">
                <input
                  type="checkbox"
                  checked={tokenRequired}
                  onChange={(e) => {
                    setTokenRequired(e.target.checked);
                    changed();
                  }}
                />{' '}
                Require authentication: each post needs an access token of this organization
              </label>
            </>
          ) : authSpec ? (
            <>
              {authSpec.spec.description ? <p className="muted small">{authSpec.spec.description}</p> : null}
              <AuthForm
                schema={authSpec.spec}
                values={values}
                onChange={(v) => {
                  setValues(v);
                  changed();
                }}
                idPrefix="auth"
              />
            </>
          ) : (
            <p className="muted">This connector needs no credentials.</p>
          )}
        </>
      ) : (
        <fieldset className="accounts">
          <legend>Existing accounts</legend>
          <ul className="plain">
            {others.map((c) => (
              <li key={c.id}>
                <label className="check">
                  <input
                    type="radio"
                    name="existing-account"
                    value={c.id}
                    checked={chosen === c.id}
                    onChange={() => {
                      setChosen(c.id);
                      changed();
                    }}
                  />
                  <span>{c.name}</span>
                  <AccountStatus test={tests[c.id]} />
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
      )}
      {problem ? <ErrorNote error={problem.error} title={problem.title} /> : null}
      {state.connection ? (
        <p className="note ok" role="status">
          Connected to “{state.connection.name}”: the connection test passed.
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" disabled={busy} className={state.connection ? 'secondary' : undefined}>
          {busy ? 'Testing…' : label}
        </button>
        <button type="button" onClick={next} disabled={!state.connection}>
          Next
        </button>
      </div>
    </form>
  );
}
