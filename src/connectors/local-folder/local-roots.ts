import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ConnectorError } from '../sdk.js';
import { isMissing } from './fs-errors.js';

/**
 * Which folders of the server's disk Local Folder connections may read: the roots the operator
 * configured, never the platform's own folders (its home with the master key, admin token and
 * credentials, its database, its lake), even when a root is a parent of them.
 */
export interface LocalRootsOptions {
  /** Absolute folders a connection's path must lie in (`TRIBUTARY_LOCAL_ROOTS`). */
  roots: readonly string[];
  /**
   * The platform's own folders. A path inside one is readable only through a root strictly
   * inside it (the default `landing/` under the home), never through a root that contains it.
   */
  protectedFolders: readonly string[];
}

/** Tells, on the canonical (symlink-free) path of each access, whether a tenant may read it. */
export type ReadablePath = (real: string) => boolean;

export class LocalRoots {
  readonly roots: readonly string[];
  private readonly protectedFolders: readonly string[];

  constructor(options: LocalRootsOptions) {
    this.roots = options.roots.map((root) => resolve(root));
    this.protectedFolders = options.protectedFolders.map((folder) => resolve(folder));
  }

  /**
   * Refuses, before anything is read, a connection path that is not lexically under a root: the
   * early, clear answer when a connection is created. The real check is `readable`, on each access.
   */
  assertConfigured(path: string): void {
    const inside = this.roots.some((root) => isInside(root, resolve(path)));
    if (!inside)
      throw new ConnectorError(
        'invalid_params',
        `auth.params.path must be a folder under ${this.describeRoots()}: the operator sets them with TRIBUTARY_LOCAL_ROOTS`,
      );
  }

  /**
   * The check to apply to every canonical path of one operation, with the roots and protected
   * folders resolved now (a root that is itself a symlink is followed as it is at this moment).
   */
  async readable(): Promise<ReadablePath> {
    const [roots, protectedFolders] = await Promise.all([realPaths(this.roots), realPaths(this.protectedFolders)]);
    return (real) => {
      const root = roots.find((candidate) => isInside(candidate, real));
      if (root === undefined) return false;
      return protectedFolders.every((folder) => !isInside(folder, real) || isStrictlyInside(folder, root));
    };
  }

  private describeRoots(): string {
    return this.roots.length === 0 ? 'no folder (none is configured)' : this.roots.map((root) => `"${root}"`).join(' or ');
  }
}

/** Whether `path` is `folder` or below it; both canonical or both lexical. */
export function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

function isStrictlyInside(folder: string, path: string): boolean {
  return path !== folder && isInside(folder, path);
}

/** Canonical paths of the folders that exist; a missing root simply admits nothing yet. */
async function realPaths(folders: readonly string[]): Promise<string[]> {
  const resolved = await Promise.all(
    folders.map((folder) =>
      realpath(folder).catch((error: unknown) => {
        if (isMissing(error)) return null;
        throw error;
      }),
    ),
  );
  return resolved.filter((folder): folder is string => folder !== null);
}
