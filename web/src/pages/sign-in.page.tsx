import { useState, type FormEvent } from 'react';
import { issueToken, parseCredentialsJson, type Credentials, type Session } from '../api/session.js';
import { ErrorNote } from '../components/ui.js';

/** Sign in with the API credentials `npm start` prints (or paste its credentials.json). */
export function SignInPage({ onSignIn }: { onSignIn: (session: Session) => void }) {
  const [form, setForm] = useState<Credentials>({ clientId: '', clientSecret: '', imsOrg: '', sandboxName: 'prod' });
  const [pasted, setPasted] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const set = (key: keyof Credentials) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));

  const fillFromJson = (text: string) => {
    setPasted(text);
    if (!text.trim()) return;
    try {
      const found = parseCredentialsJson(text);
      setForm((f) => ({ ...f, ...Object.fromEntries(Object.entries(found).filter(([, v]) => v)) }));
      setError(null);
    } catch {
      setError(new Error('That is not JSON: paste the whole credentials.json'));
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignIn(await issueToken({ ...form, sandboxName: form.sandboxName.trim() || 'prod' }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="sign-in">
      <h1>Sign in to Tributary</h1>
      <p className="muted">
        Use the API credentials <code>npm start</code> printed (they are also in <code>.tributary/credentials.json</code>).
      </p>
      <form onSubmit={submit} className="card stack">
        <label>
          <span>Paste credentials.json (optional)</span>
          <textarea
            rows={4}
            value={pasted}
            onChange={(e) => fillFromJson(e.target.value)}
            placeholder='{"clientId": "…", "clientSecret": "…", "imsOrg": "…"}'
          />
        </label>
        <label>
          <span>Client id (x-api-key)</span>
          <input required autoComplete="username" value={form.clientId} onChange={set('clientId')} />
        </label>
        <label>
          <span>Client secret</span>
          <input required type="password" autoComplete="current-password" value={form.clientSecret} onChange={set('clientSecret')} />
        </label>
        <label>
          <span>IMS org</span>
          <input required value={form.imsOrg} onChange={set('imsOrg')} placeholder="…@AdobeOrg" />
        </label>
        <label>
          <span>Sandbox</span>
          <input value={form.sandboxName} onChange={set('sandboxName')} />
        </label>
        <ErrorNote error={error} title="Could not sign in" />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
