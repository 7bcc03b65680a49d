import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { joinSegments, pathSegments } from '../files/path.js';
import { ConnectorError } from '../sdk.js';
import { fsError, isMissing } from './fs-errors.js';
import { isInside, type LocalRoots, type ReadablePath } from './local-roots.js';

/** The connection's root as it is on disk now, and the operator's rule for every path read below it. */
export interface RealRoot {
  real: string;
  readable: ReadablePath;
}

/** A storage path resolved to where it really is on disk. */
export interface Resolved {
  /** The normalised storage path ("/a/b"). */
  path: string;
  /** The canonical on-disk path, symlinks resolved, known to be inside the root. */
  real: string;
}

/**
 * Maps storage paths onto one folder of the server's disk and refuses anything that would leave it.
 *
 * Lexical checks (`..`) are not enough: a symlink inside the root can point anywhere. So every
 * access resolves the real path and checks it is still under the root's real path. The root's
 * own real path is resolved each time too, so a root that appears later (or is itself a symlink
 * that changes) is followed. On top of that, every real path must be one the operator's roots
 * let tenants read (`LocalRoots`): the connection's own root is only what the tenant asked for.
 * A window remains between the check and the use; closing it would
 * need openat2(RESOLVE_BENEATH), which Node does not offer.
 */
export class ConfinedRoot {
  constructor(
    private readonly root: string,
    private readonly allowed: LocalRoots,
  ) {}

  /**
   * The root's real path and the check for paths below it; not_found when the root does not exist,
   * path_escape when it is not (or no longer, through a symlink) under a configured root.
   */
  async realRoot(): Promise<RealRoot> {
    let real: string;
    try {
      real = await realpath(this.root);
    } catch (error) {
      if (isMissing(error)) throw new ConnectorError('not_found', `The root folder ${this.root} does not exist`);
      throw fsError(error, this.root);
    }
    const readable = await this.allowed.readable();
    if (!readable(real)) throw new ConnectorError('path_escape', `${this.root} is not under a folder this server lets connections read`);
    return { real, readable };
  }

  /** Where a storage path really is, or null when nothing is there. Throws path_escape. */
  async resolve(path: string): Promise<Resolved | null> {
    const segments = pathSegments(path);
    const normalised = joinSegments(segments);
    const realRoot = await this.realRoot();
    let real: string;
    try {
      real = await realpath(join(realRoot.real, ...segments));
    } catch (error) {
      if (!isMissing(error)) throw fsError(error, normalised);
      // Still refuse when the missing path hangs below an escaping symlink: otherwise probing
      // "/link-to-etc/x" would tell which files exist outside the root.
      await this.assertExistingAncestorInside(realRoot, segments, normalised);
      return null;
    }
    this.assertInside(realRoot, real, normalised);
    return { path: normalised, real };
  }

  /** Throws path_escape unless `real` (a canonical path) is the root or under it, and readable by the operator's rule. */
  assertInside(realRoot: RealRoot, real: string, path: string): void {
    if (!this.permits(realRoot, real)) throw new ConnectorError('path_escape', `${path} points outside the connection's root`);
  }

  permits(realRoot: RealRoot, real: string): boolean {
    return isInside(realRoot.real, real) && realRoot.readable(real);
  }

  private async assertExistingAncestorInside(realRoot: RealRoot, segments: string[], path: string): Promise<void> {
    for (let depth = segments.length - 1; depth > 0; depth--) {
      let real: string;
      try {
        real = await realpath(join(realRoot.real, ...segments.slice(0, depth)));
      } catch (error) {
        if (isMissing(error)) continue;
        throw fsError(error, path);
      }
      this.assertInside(realRoot, real, path);
      return;
    }
  }
}
