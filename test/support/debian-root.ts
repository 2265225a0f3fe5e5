// Fresh Debian 12 roots for the package tests: debootstrap --variant=minbase of bookworm from the mirror apt
// uses here (the first URIs of /etc/apt/sources.list.d/debian.sources, else deb.debian.org), checked with
// Debian's archive keyring, made once and kept as a tarball in node_modules/.cache/docker-credential-ecr-debian
// (DCE_DEBIAN_ROOT_CACHE overrides), then unpacked afresh for each test: every test starts from the same
// untouched root, with /proc mounted and its own apt sources removed (nothing but what the test adds).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const CACHE = process.env.DCE_DEBIAN_ROOT_CACHE
  ? resolve(process.env.DCE_DEBIAN_ROOT_CACHE)
  : join(ROOT, 'node_modules', '.cache', 'docker-credential-ecr-debian');
export const SUITE = 'bookworm';

function sh(cmd: string, args: string[], timeout = 600_000) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout, maxBuffer: 1 << 26 });
  if (r.error || r.status !== 0)
    throw new Error(
      `${cmd} ${args.join(' ')} failed: ${r.error?.message ?? `${r.stdout.slice(-2000)}${r.stderr.slice(-2000)}`}`,
    );
  return r.stdout;
}

export function debianMirror(): string {
  const sources = '/etc/apt/sources.list.d/debian.sources';
  const uri = existsSync(sources) ? /^URIs:\s*(\S+\/debian)\s*$/m.exec(readFileSync(sources, 'utf8'))?.[1] : undefined;
  return uri ?? 'http://deb.debian.org/debian';
}

/** The cached minbase tarball, made with debootstrap on first use (about a minute). */
export function debianTarball(): string {
  const tarball = join(CACHE, `${SUITE}-amd64-minbase.tar`);
  if (existsSync(tarball)) return tarball;
  mkdirSync(CACHE, { recursive: true });
  const work = mkdtempSync(join(CACHE, '.debootstrap-'));
  try {
    sh('debootstrap', [
      '--variant=minbase',
      '--keyring=/usr/share/keyrings/debian-archive-keyring.gpg',
      SUITE,
      join(work, 'root'),
      debianMirror(),
    ]);
    sh('tar', ['-C', join(work, 'root'), '--numeric-owner', '-cf', join(work, 'root.tar'), '.']);
    renameSync(join(work, 'root.tar'), tarball);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return tarball;
}

export interface DebianRoot {
  dir: string;
  /** Runs a command in the root (chroot), with env as its whole environment. */
  run(
    command: string[],
    opts?: { env?: Record<string, string>; input?: string; timeout?: number },
  ): { status: number | null; stdout: string; stderr: string };
  remove(): void;
}

/** A fresh root: the cached tarball unpacked, /proc mounted, no apt sources. Call remove() when done. */
export function freshDebianRoot(): DebianRoot {
  const tarball = debianTarball();
  const dir = mkdtempSync(join(tmpdir(), 'dce-debian-root-'));
  sh('tar', ['-C', dir, '--numeric-owner', '-xf', tarball]);
  rmSync(join(dir, 'etc/apt/sources.list'), { force: true });
  sh('mount', ['-t', 'proc', 'proc', join(dir, 'proc')]);
  const baseEnv = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: '/root',
    LANG: 'C.UTF-8',
    DEBIAN_FRONTEND: 'noninteractive',
  };
  return {
    dir,
    run(command, opts = {}) {
      const r = spawnSync('chroot', [dir, ...command], {
        encoding: 'utf8',
        env: { ...baseEnv, ...opts.env },
        input: opts.input,
        timeout: opts.timeout ?? 300_000,
        maxBuffer: 1 << 26,
      });
      return { status: r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
    },
    remove() {
      spawnSync('umount', ['-l', join(dir, 'proc')]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A throwaway GPG signing key in its own GNUPGHOME: { home, keyId, publicKey (binary keyring for Signed-By) }. */
export function throwawayGpgKey(parent: string, name: string): { home: string; keyId: string; publicKey: string } {
  const home = mkdtempSync(join(parent, `gnupg-${name}-`));
  const env = { ...process.env, GNUPGHOME: home };
  const gen = spawnSync(
    'gpg',
    [
      '--batch',
      '--passphrase',
      '',
      '--quick-gen-key',
      `${name} (throwaway test key) <${name}@example.invalid>`,
      'ed25519',
      'sign',
      '1d',
    ],
    { env, encoding: 'utf8' },
  );
  if (gen.status !== 0) throw new Error(`gpg --quick-gen-key: ${gen.stderr}`);
  const list = spawnSync('gpg', ['--batch', '--with-colons', '--list-secret-keys'], { env, encoding: 'utf8' }).stdout;
  const keyId = /^fpr:+([0-9A-F]+):/m.exec(list)![1];
  const publicKey = join(home, `${name}.gpg`);
  const exp = spawnSync('gpg', ['--batch', '--yes', '--export', '-o', publicKey, keyId], { env, encoding: 'utf8' });
  if (exp.status !== 0) throw new Error(`gpg --export: ${exp.stderr}`);
  return { home, keyId, publicKey };
}
