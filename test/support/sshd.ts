import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { launch } from './launch.js';

/**
 * A private OpenSSH server (Debian's openssh-server, `.ci/run` installs it) for SFTP tests:
 * `sshd -D -e -f <own config>` on a free port of 127.0.0.1, with its own host key, serving only
 * SFTP (`internal-sftp`) to one dedicated user, chrooted into a folder of its own.
 *
 * sshd must run as root to authenticate a password and to chroot, so the tests need root (CI and
 * the development machines run them as root). The user, `tributary-sftp`, is a system user with
 * no shell and no home, created here when missing; its password is fixed (and useless elsewhere:
 * only this sshd lets it in, and only to SFTP inside the chroot). Key authentication reads the
 * public keys from this server's own authorized_keys file.
 *
 * The chroot must be owned by root and not writable by anyone else all the way up, which rules
 * out /tmp: it lives under /run/tributary-sshd.
 */

export const SFTP_USER = 'tributary-sftp';
export const SFTP_PASSWORD = 'tributary-sftp-test-password';
const SSHD = '/usr/sbin/sshd';
const BASE = '/run/tributary-sshd';

export interface SshdHandle {
  host: string;
  port: number;
  user: string;
  password: string;
  /** The folder the user sees as "/" (a path on this machine): put test files under it. */
  root: string;
  /** Adds a public key ("ssh-ed25519 AAAA… comment") that may log in as the user. */
  authorize(publicKey: string): void;
  /** sshd's log so far (-e: to stderr), for failing tests. */
  log(): string;
  stop(): Promise<void>;
}

export async function startSshd(): Promise<SshdHandle> {
  if (process.getuid?.() !== 0) throw new Error('the SFTP tests run sshd, which must run as root to check passwords and chroot');
  ensureUser();
  mkdirSync(BASE, { recursive: true, mode: 0o755 });
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // sshd's privilege-separation directory
  const dir = mkdtempSync(join(BASE, 'sshd-'));
  chmodSync(dir, 0o755);
  const root = join(dir, 'root');
  mkdirSync(root, { mode: 0o755 });
  const hostKey = join(dir, 'host_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  const authorizedKeys = join(dir, 'authorized_keys');
  writeFileSync(authorizedKeys, '', { mode: 0o644 });
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `ListenAddress 127.0.0.1`,
      `Port ${port}`,
      `HostKey ${hostKey}`,
      `PidFile none`,
      `UsePAM no`,
      `PermitRootLogin no`,
      `AllowUsers ${SFTP_USER}`,
      `PasswordAuthentication yes`,
      `KbdInteractiveAuthentication no`,
      `PubkeyAuthentication yes`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      `ChrootDirectory ${root}`,
      `ForceCommand internal-sftp`,
      `Subsystem sftp internal-sftp`,
      `AllowTcpForwarding no`,
      `X11Forwarding no`,
      `PrintMotd no`,
      `UseDNS no`,
      `MaxStartups 50`,
      `MaxAuthTries 10`,
      `LogLevel VERBOSE`,
      '',
    ].join('\n'),
  );

  const server = await launch(SSHD, ['-D', '-e', '-f', config], {
    what: 'sshd',
    timeoutMs: 15_000,
    ready: (line) => (line.includes('Server listening on') ? true : undefined),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  });
  return {
    host: '127.0.0.1',
    port,
    user: SFTP_USER,
    password: SFTP_PASSWORD,
    root,
    authorize(publicKey) {
      writeFileSync(authorizedKeys, publicKey.trim() + '\n', { flag: 'a' });
    },
    log: server.output,
    // SIGTERM ends the listener; sessions in progress die with their sockets.
    stop: server.stop,
  };
}

/** The test user, with the test password; idempotent, and safe when two test files race to create it. */
function ensureUser(): void {
  const exists = () => {
    try {
      execFileSync('id', ['-u', SFTP_USER], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (!exists()) {
    try {
      execFileSync('useradd', ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', SFTP_USER], {
        stdio: 'pipe',
      });
    } catch (error) {
      if (!exists()) throw error;
    }
  }
  // chpasswd locks /etc/shadow; another test file may hold the lock for a moment.
  for (let attempt = 1; ; attempt++) {
    try {
      execFileSync('chpasswd', [], { input: `${SFTP_USER}:${SFTP_PASSWORD}\n`, stdio: ['pipe', 'ignore', 'pipe'] });
      return;
    } catch (error) {
      if (attempt >= 10) throw error;
      execFileSync('sleep', ['0.2']);
    }
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
