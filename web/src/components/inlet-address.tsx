import { type RefObject, useRef, useState } from 'react';
import { Icon } from './icon.js';

/** A shell-quoted argument: single quotes, with any single quote closed, escaped and reopened. */
const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** A curl command that posts one record to an inlet; with a token when the inlet requires one. */
export function inletCurl(inletUrl: string, authenticationRequired: boolean, record: Record<string, unknown> = { id: 'r1', amount: 3.5 }): string {
  return [
    `curl -X POST ${quote(inletUrl)}`,
    "  -H 'Content-Type: application/json'",
    ...(authenticationRequired
      ? [
          '  -H "Authorization: Bearer $ACCESS_TOKEN"',
          '  -H "x-api-key: $API_KEY"',
          '  -H "x-gw-ims-org-id: $IMS_ORG"',
          '  -H "x-sandbox-name: $SANDBOX"',
        ]
      : []),
    `  -d ${quote(JSON.stringify(record))}`,
  ].join(' \\\n');
}

/** Puts text on the clipboard; where the page may not (plain HTTP off localhost), selects it for the reader to copy. */
function CopyButton({ text, label, target }: { text: string; label: string; target: RefObject<HTMLElement | null> }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="secondary small"
      onClick={() => {
        const select = () => {
          const node = target.current;
          const selection = window.getSelection();
          if (!node || !selection) return;
          selection.selectAllChildren(node);
        };
        if (navigator.clipboard) void navigator.clipboard.writeText(text).then(() => setCopied(true), select);
        else select();
      }}
    >
      <Icon name="copy" /> {copied ? 'Copied' : label}
    </button>
  );
}

/** Where an HTTP API inlet takes records, and a command that posts one. */
export function InletAddress({
  inletUrl,
  authenticationRequired,
  record,
}: {
  inletUrl: string;
  authenticationRequired: boolean;
  record?: Record<string, unknown> | undefined;
}) {
  const url = useRef<HTMLElement>(null);
  const command = useRef<HTMLPreElement>(null);
  const curl = inletCurl(inletUrl, authenticationRequired, record);
  return (
    <section className="stack" aria-label="Inlet address">
      <p>
        Post records to{' '}
        <code data-testid="inlet-url" ref={url}>
          {inletUrl}
        </code>{' '}
        <CopyButton text={inletUrl} label="Copy URL" target={url} />
      </p>
      <p className="muted small">
        One JSON object per post (raw, or AEP’s XDM envelope), or many at once as <code>{'{"messages": […]}'}</code> to{' '}
        <code>{inletUrl.replace('/collection/', '/collection/batch/')}</code>.
        {authenticationRequired ? ' Each post needs an access token of this organization and sandbox.' : ' Posts need no token.'}
      </p>
      <pre className="code" data-testid="inlet-curl" ref={command}>
        {curl}
      </pre>
      <div className="actions">
        <CopyButton text={curl} label="Copy curl command" target={command} />
      </div>
    </section>
  );
}
