import { Link } from 'wouter';
import { containerOf, schemaRegistry } from '../api/schema-registry.api.js';
import { useApp } from '../app-context.js';
import { useAsync } from '../lib/use-async.js';

/** A link to a schema or class by its title (its URI only on hover and while the title loads). */
export function ResourceTitle({ kind, id }: { kind: 'schemas' | 'classes'; id: string }) {
  const { api } = useApp();
  const resource = useAsync(() => schemaRegistry(api).resolved(containerOf(id), kind, id), [api, kind, id]);
  return (
    <Link href={`/schemas/view?kind=${kind}&id=${encodeURIComponent(id)}`} title={id} data-testid={`${kind}-title`}>
      {resource.data?.title ?? (resource.loading ? 'loading…' : id)}
    </Link>
  );
}
