import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import { Api } from './api/client.js';
import { loadCapabilities, sandboxes, type Capabilities, type Sandbox } from './api/sandbox.api.js';
import { loadSession, saveSession, type Session } from './api/session.js';
import { AppContext, useApp } from './app-context.js';
import { Loading } from './components/ui.js';
import { SignInPage } from './pages/sign-in.page.js';

// Each area loads on first visit: the first paint needs only the shell and the sign-in form.
const SourcesPage = lazy(() => import('./pages/sources/sources.page.js'));
const SourceWizard = lazy(() => import('./pages/sources/source-wizard.js'));
const DataflowsPage = lazy(() => import('./pages/dataflows.page.js'));
const FlowPage = lazy(() => import('./pages/flow.page.js'));
const RunPage = lazy(() => import('./pages/run.page.js'));
const DatasetsPage = lazy(() => import('./pages/datasets.page.js'));
const DatasetPage = lazy(() => import('./pages/dataset.page.js'));
const SchemasPage = lazy(() => import('./pages/schemas.page.js'));
const SchemaPage = lazy(() => import('./pages/schema.page.js'));
const NewSchemaPage = lazy(() => import('./pages/new-schema.page.js'));
const NewFieldGroupPage = lazy(() => import('./pages/new-field-group.page.js'));

export function App() {
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const [capabilities, setCapabilities] = useState<Capabilities | null>(null);
  useEffect(() => {
    void loadCapabilities().then(setCapabilities);
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new client only when the token or the sandbox changes, not on every session object.
  const api = useMemo(() => (session ? new Api(session, setSession) : null), [session?.accessToken, session?.sandboxName]);

  if (!session || !api) {
    return (
      <SignInPage
        onSignIn={(s) => {
          saveSession(s);
          setSession(s);
        }}
      />
    );
  }
  if (!capabilities) return <Loading />;
  const value = {
    api,
    session,
    capabilities,
    signOut: () => {
      saveSession(null);
      setSession(null);
    },
    switchSandbox: (name: string) => {
      const next = { ...session, sandboxName: name };
      saveSession(next);
      setSession(next);
    },
  };
  return (
    <AppContext.Provider value={value}>
      <Shell />
    </AppContext.Provider>
  );
}

const NAV = [
  ['/sources', 'Sources'],
  ['/dataflows', 'Dataflows'],
  ['/datasets', 'Datasets'],
  ['/schemas', 'Schemas'],
] as const;

function Shell() {
  const { session } = useApp();
  const [location] = useLocation();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the location is the trigger, not an input.
  useEffect(() => {
    // Moving to another page puts the keyboard at its heading, as a page load would.
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [location]);
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link href="/sources" className="brand">
          Tributary
        </Link>
        <nav aria-label="Main">
          <ul>
            {NAV.map(([href, label]) => (
              <li key={href}>
                <Link href={href} aria-current={location.startsWith(href) ? 'page' : undefined}>
                  {label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <SandboxSwitcher />
      </header>
      <main id="main" key={session.sandboxName}>
        <Suspense fallback={<Loading />}>
          <Switch>
            <Route path="/">
              <Redirect to="/sources" />
            </Route>
            <Route path="/sources" component={SourcesPage} />
            <Route path="/sources/new/:specId" component={SourceWizard} />
            <Route path="/dataflows" component={DataflowsPage} />
            <Route path="/dataflows/:id" component={FlowPage} />
            <Route path="/runs/:id" component={RunPage} />
            <Route path="/datasets" component={DatasetsPage} />
            <Route path="/datasets/:id" component={DatasetPage} />
            <Route path="/schemas" component={SchemasPage} />
            <Route path="/schemas/new" component={NewSchemaPage} />
            <Route path="/schemas/fieldgroups/new" component={NewFieldGroupPage} />
            <Route path="/schemas/view" component={SchemaPage} />
            <Route>
              <h1 tabIndex={-1}>Not found</h1>
              <p>
                <Link href="/sources">Back to sources</Link>
              </p>
            </Route>
          </Switch>
        </Suspense>
      </main>
    </>
  );
}

function SandboxSwitcher() {
  const { api, session, capabilities, signOut, switchSandbox } = useApp();
  const [list, setList] = useState<Sandbox[] | null>(null);
  const [typed, setTyped] = useState(session.sandboxName);
  const [, navigate] = useLocation();
  useEffect(() => {
    if (!capabilities.sandboxes) return;
    sandboxes(api)
      .list()
      .then(setList, () => setList(null));
  }, [api, capabilities.sandboxes]);
  const go = (name: string) => {
    if (!name || name === session.sandboxName) return;
    switchSandbox(name);
    navigate('/sources');
  };
  return (
    <div className="session">
      {list && list.length > 0 ? (
        <label className="inline">
          <span>Sandbox</span>
          <select value={session.sandboxName} onChange={(e) => go(e.target.value)}>
            {list.some((s) => s.name === session.sandboxName) ? null : <option value={session.sandboxName}>{session.sandboxName}</option>}
            {list.map((s) => (
              <option key={s.name} value={s.name}>
                {s.title ? `${s.title} (${s.name})` : s.name}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            go(typed.trim());
          }}
        >
          <label className="inline">
            <span>Sandbox</span>
            <input value={typed} onChange={(e) => setTyped(e.target.value)} size={8} aria-describedby="sandbox-hint" />
          </label>
          <button type="submit" className="secondary">
            Switch
          </button>
          <span id="sandbox-hint" className="sr-only">
            Type a sandbox name and press Switch
          </span>
        </form>
      )}
      <button type="button" className="secondary" onClick={signOut}>
        Sign out
      </button>
    </div>
  );
}
