// A podman and buildah session on the rig (rig.ts): its own HOME, runtime directory and storage, a recording helper,
// and what the tests expect that helper to be called with.
//
// What they send the helper on stdin (recorded by session(), asserted in the tests beside this file):
// - `get`: the bare host, no scheme, no path, no trailing newline; one per push, pull, `buildah bud`
//   (its FROM pull) and `buildah push`, and one for `podman login` (its look-up of existing credentials).
// - `store` (only `podman login -u/-p`, after checking them with the registry): {"ServerURL":"<host>",
//   "Username":"AWS","Secret":"<token>"} plus "\n". `podman login <host>` without credentials runs `get`,
//   checks the answer with the registry and stops: "Already logged in", no `store`.
// - `erase` (`podman logout`): the bare host, no newline; the next `get` asks AWS for a new token.
// Only when credHelpers is in the file podman writes (REGISTRY_AUTH_FILE, else
// ${XDG_RUNTIME_DIR}/containers/auth.json). With credHelpers only in ~/.docker/config.json, `podman login`
// writes the token itself, base64, into ${XDG_RUNTIME_DIR}/containers/auth.json (which then wins over the
// helper until logout) and `podman logout` removes it there without running `erase`.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  fixedAnswerHelper,
  pathWith,
  recordedCalls,
  recordingHelper,
  type RecordedCall,
} from '../../support/helper-bin';
import { runCommand, transcript, type CommandResult } from '../../support/command';
import { shortTempDir, tempDir } from '../../support/temp';
import {
  baseEnv,
  buildah,
  fake,
  HOST,
  image,
  podman,
  policyFile,
  registriesConf,
  registry,
  storageConf,
  trustDir,
} from './rig';

export type Where = 'REGISTRY_AUTH_FILE' | 'XDG_RUNTIME_DIR' | '~/.docker/config.json';

export interface Session {
  home: string;
  /** ${XDG_RUNTIME_DIR}/containers/auth.json */
  xdgAuth: string;
  /** The file that sends HOST to the configured helper. */
  configFile: string;
  /** `store` names a separate containers storage (--root, --runroot), so a pull starts empty. */
  podman(args: string[], opts?: { store?: string; stdin?: string }): Promise<CommandResult>;
  buildah(args: string[], opts?: { store?: string }): Promise<CommandResult>;
  /** What docker-credential-ecr was called with, in order. */
  calls(): RecordedCall[];
}

const credHelpers = (helper: string): string => JSON.stringify({ credHelpers: { [HOST]: helper } });

/**
 * podman and buildah with their own HOME, XDG_RUNTIME_DIR, TMPDIR and storage, finding a recording
 * docker-credential-ecr and docker-credential-ecrwrong (a wrong secret) on PATH. `where` is the one place
 * that sends HOST to `helper`; every later place in containers/image's search order (REGISTRY_AUTH_FILE,
 * $XDG_RUNTIME_DIR/containers/auth.json, ~/.config/containers/auth.json, ~/.docker/config.json) sends it to
 * ecrwrong, so a client reading the wrong file meets a 401.
 */
export function session(where: Where, opts: { cache?: string; helper?: string } = {}): Session {
  const dir = tempDir('dce-podman-s-');
  const home = join(dir, 'home');
  const runtimeDir = join(dir, 'run');
  const logDir = join(dir, 'stdin');
  const bin = recordingHelper(join(dir, 'bin'), logDir);
  fixedAnswerHelper(bin, 'AWS', 'not-the-token', 'ecrwrong');
  mkdirSync(home);
  mkdirSync(runtimeDir, { mode: 0o700 });
  mkdirSync(join(dir, 'tmp'));
  const xdgAuth = join(runtimeDir, 'containers', 'auth.json');
  const dockerConfig = join(home, '.docker', 'config.json');
  const authFile = where === 'REGISTRY_AUTH_FILE' ? join(dir, 'auth.json') : undefined;
  const order = [
    ...(authFile ? [authFile] : []),
    xdgAuth,
    join(home, '.config', 'containers', 'auth.json'),
    dockerConfig,
  ];
  const configFile = authFile ?? (where === 'XDG_RUNTIME_DIR' ? xdgAuth : dockerConfig);
  for (const file of order.slice(order.indexOf(configFile))) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, credHelpers(file === configFile ? (opts.helper ?? 'ecr') : 'ecrwrong'));
  }
  // Exactly this environment (runCommand passes nothing else): no DOCKER_CONFIG, no XDG_CONFIG_HOME.
  const env: Record<string, string> = {
    ...baseEnv(opts.cache),
    HOME: home,
    PATH: pathWith(bin),
    XDG_RUNTIME_DIR: runtimeDir,
    ...(authFile ? { REGISTRY_AUTH_FILE: authFile } : {}),
    // The ECR host name goes through the fake's CONNECT route to the registry; the helper's own calls to the
    // fake AWS on 127.0.0.1 stay direct.
    HTTPS_PROXY: fake.url,
    NO_PROXY: '127.0.0.1',
    CONTAINERS_REGISTRIES_CONF: registriesConf,
    CONTAINERS_STORAGE_CONF: storageConf,
    TMPDIR: join(dir, 'tmp'),
  };
  // --runroot: at most 50 characters, so not under TMPDIR, which may be long.
  const runroots = shortTempDir('dce-rr-');
  const storage = (name: string): string[] => [
    '--root',
    join(dir, name, 'root'),
    '--runroot',
    join(runroots, name),
    '--storage-driver',
    'vfs',
  ];
  return {
    home,
    xdgAuth,
    configFile,
    podman: (args, { store = 'podman', stdin = '' } = {}) =>
      runCommand(
        podman,
        [
          ...storage(store),
          '--tmpdir',
          join(dir, store, 'tmp'),
          '--cgroup-manager',
          'cgroupfs',
          '--events-backend',
          'file',
          ...args,
        ],
        {
          env,
          stdin,
          timeoutMs: 30_000,
        },
      ),
    buildah: (args, { store = 'buildah' } = {}) =>
      runCommand(buildah, [...storage(store), ...args], { env, timeoutMs: 30_000 }),
    calls: () => recordedCalls(logDir),
  };
}

export function ok(what: string, result: CommandResult): void {
  assert.equal(
    result.code,
    0,
    `${what}: ${transcript(result)}\n--- registry log (tail)\n${registry?.log().slice(-4000) ?? ''}`,
  );
}

export const GET: RecordedCall = { action: 'get', stdin: HOST };
export const STORE = (secret: string): RecordedCall => ({
  action: 'store',
  stdin: `${JSON.stringify({ ServerURL: HOST, Username: 'AWS', Secret: secret })}\n`,
});
export const ERASE: RecordedCall = { action: 'erase', stdin: HOST };
export const UNAUTHORIZED = /unauthorized: authentication required/;

export const pull = (s: Session, ref: string, store: string): Promise<CommandResult> =>
  s.podman(['pull', '--signature-policy', policyFile, '--cert-dir', trustDir, ref], { store });

/** The image from disk (no registry, no helper) into podman's storage, tagged ref. */
export async function loadLocal(s: Session, ref: string): Promise<void> {
  const local = await s.podman(['pull', '--signature-policy', policyFile, '-q', `oci:${image.dir}:${image.tag}`]);
  ok('podman pull oci:', local);
  assert.equal(`sha256:${local.stdout.trim()}`, image.configDigest);
  ok('podman tag', await s.podman(['tag', local.stdout.trim(), ref]));
}
