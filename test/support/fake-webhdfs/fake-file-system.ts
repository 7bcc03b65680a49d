/**
 * The namespace a fake name node serves: an in-memory tree of folders and files, with just the
 * attributes WebHDFS reports. Paths are absolute and "/"-separated, as in HDFS.
 */

export interface FakeNode {
  type: 'FILE' | 'DIRECTORY';
  data: Buffer;
  modificationTime: number;
  fileId: number;
  /** Unreadable nodes answer AccessControlException, as a folder with mode 700 of another user does. */
  readable: boolean;
}

export class FakeFileSystem {
  private readonly nodes = new Map<string, FakeNode>();
  private nextId = 16_386; // HDFS's first inode ids after the root's

  constructor() {
    this.nodes.set('/', this.node('DIRECTORY', Buffer.alloc(0), Date.now()));
  }

  /** Creates or replaces a file, creating its parent folders. */
  put(path: string, content: string | Buffer, modificationTime = Date.now()): void {
    const clean = canonical(path);
    this.mkdirs(parentOf(clean));
    const data = typeof content === 'string' ? Buffer.from(content) : content;
    this.nodes.set(clean, this.node('FILE', data, modificationTime));
  }

  mkdirs(path: string): void {
    const clean = canonical(path);
    if (clean === '/') return;
    this.mkdirs(parentOf(clean));
    if (!this.nodes.has(clean)) this.nodes.set(clean, this.node('DIRECTORY', Buffer.alloc(0), Date.now()));
  }

  deny(path: string): void {
    const node = this.nodes.get(canonical(path));
    if (!node) throw new Error(`no node at ${path}`);
    node.readable = false;
  }

  get(path: string): FakeNode | undefined {
    return this.nodes.get(canonical(path));
  }

  /** The nearest node at or above `path` that is unreadable, if any: reading under it is refused. */
  deniedAncestor(path: string): string | undefined {
    for (let current = canonical(path); ; current = parentOf(current)) {
      if (this.nodes.get(current)?.readable === false) return current;
      if (current === '/') return undefined;
    }
  }

  /** A folder's children by name, in the byte order HDFS lists them in. */
  children(path: string): Array<[string, FakeNode]> {
    const clean = canonical(path);
    const prefix = clean === '/' ? '/' : `${clean}/`;
    const result: Array<[string, FakeNode]> = [];
    for (const [key, node] of this.nodes) {
      if (key !== clean && key.startsWith(prefix) && !key.slice(prefix.length).includes('/')) result.push([key.slice(prefix.length), node]);
    }
    return result.sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  }

  private node(type: FakeNode['type'], data: Buffer, modificationTime: number): FakeNode {
    return { type, data, modificationTime, fileId: this.nextId++, readable: true };
  }
}

export function canonical(path: string): string {
  const segments = path.split('/').filter((s) => s !== '');
  return '/' + segments.join('/');
}

function parentOf(path: string): string {
  const index = path.lastIndexOf('/');
  return index <= 0 ? '/' : path.slice(0, index);
}
