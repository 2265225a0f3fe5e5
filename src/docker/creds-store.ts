// `"credsStore": "ecr"` in the Docker config: Docker then asks this helper about every registry. Hosts our
// routing serves (ECR, ECR Public, the config file's custom hosts) are answered here as always; every other host
// is handed, byte for byte, to another store helper (stdin, stdout, stderr and exit code), so `docker login
// ghcr.io` lands where it would have without us. `list` merges both. The other store is the one named in the
// helper's config file ("credsStore"), else the one Docker itself would pick on this platform when it is installed.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { NOT_FOUND_MESSAGE } from '../platform/errors';
import { MAX_INPUT_BYTES, readRawInput } from '../platform/read-input';
import { findOnPath } from '../platform/executable-path';
import { bytesAsStdin } from '../platform/stdio';
import { printable, printableAscii } from '../platform/log';
import { hintForUnservedHost } from '../registry/hints';
import { parseServerUrl, registryForHost } from '../registry/host';
import { loadRegistryConfig, matchRule } from '../registry/config-file';
import type { Env, Settings } from '../platform/settings';
import type { Logger } from '../platform/log';
import type { ProtocolAction } from './protocol';

/** The config file's value that turns the hand-over off even when a platform store is installed. */
export const NO_STORE = 'none';

/**
 * Set in the other store's environment. A store that is really this helper again (a link under another name, a
 * wrapper) then answers for itself instead of handing over once more, without end.
 */
export const HANDED_OVER_ENV = 'DOCKER_CREDENTIAL_ECR_HANDED_OVER';

export type OtherStore =
  | { state: 'found'; name: string; path: string; source: 'config' | 'platform' }
  /** Named in the config file but not on PATH: a mistake to report, never a silent fall-back. */
  | { state: 'missing'; name: string; source: 'config' | 'platform' }
  | { state: 'none'; why: string };

/**
 * The helpers Docker itself falls back to when config.json names no credsStore (docker/cli's
 * DetectDefaultStore): on Linux `pass` when the `pass` program is installed, else `secretservice`; the
 * platform keychain on macOS and Windows. Only used when its docker-credential-<name> is on PATH, as Docker does.
 */
export function platformStoreName(platform: NodeJS.Platform, path: string): string | undefined {
  if (platform === 'darwin') return 'osxkeychain';
  if (platform === 'win32') return 'wincred';
  if (platform === 'linux' || platform === 'freebsd') return findOnPath(path, 'pass') ? 'pass' : 'secretservice';
  return undefined;
}

/** Which store gets the hosts this helper does not serve. Reading the config file may throw a ConfigError. */
export function otherStore(settings: Settings, env: Env, platform: NodeJS.Platform = process.platform): OtherStore {
  const path = env.PATH ?? '';
  if (env[HANDED_OVER_ENV]) return { state: 'none', why: `this helper was itself run as the other store (${HANDED_OVER_ENV} is set), so it does not hand over again` };
  const named = loadRegistryConfig(settings)?.credsStore;
  if (named === NO_STORE) return { state: 'none', why: `"credsStore": "${NO_STORE}" in ${settings.helperConfigFile}` };
  if (named !== undefined) {
    const found = findOnPath(path, `docker-credential-${named}`);
    return found ? { state: 'found', name: named, path: found, source: 'config' } : { state: 'missing', name: named, source: 'config' };
  }
  const usual = platformStoreName(platform, path);
  if (!usual) return { state: 'none', why: `no usual credential store on ${platform}` };
  const found = findOnPath(path, `docker-credential-${usual}`);
  return found
    ? { state: 'found', name: usual, path: found, source: 'platform' }
    : { state: 'none', why: `no "credsStore" in ${settings.helperConfigFile ?? 'the helper config'}, and docker-credential-${usual} (this platform's usual store) is not on PATH` };
}

/** A registry at an IPv6 literal (`[::1]:5000`, with or without a scheme and path), which Docker's grammar allows. */
const IPV6_REGISTRY = /^(?:https?:\/\/)?\[[0-9A-Fa-f:.]+\](?::\d{1,5})?(?:\/[\x21-\x7e]*)?$/;

/**
 * Whether this helper answers for the host a server URL names: an ECR host, a mistyped one (answered with the hint),
 * or a host the config file maps. Other hosts go to the other store, IPv6 literals included (which our host parser
 * does not take, and which can never be ECR): a login kept from that store would be lost silently. Input that is
 * no address at all (control characters, escapes) stays ours: our not-found, never shown to another program.
 */
export function servesServerUrl(serverUrl: string, settings: Settings): boolean {
  const text = serverUrl.replace(/\r?\n$/, '');
  let host: string;
  try {
    host = parseServerUrl(text).host;
  } catch {
    return !IPV6_REGISTRY.test(text);
  }
  if (registryForHost(host)) return true;
  if (hintForUnservedHost(host)) return true;
  try {
    return matchRule(loadRegistryConfig(settings), host)?.target !== undefined;
  } catch {
    // A broken config file: our own path reports it, with file and line, instead of an "internal error".
    return true;
  }
}

/** The server URL a `store` request is about, if its JSON names one. */
function storedServerUrl(input: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(input);
    const url = (parsed as { ServerURL?: unknown } | null)?.ServerURL;
    return typeof url === 'string' && url !== '' ? url : undefined;
  } catch {
    return undefined;
  }
}

export interface StoreIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Env;
}

export interface RunResult {
  code: number;
  stdout: Buffer;
}

/** Runs docker-credential-<name> <action> with these stdin bytes; `capture` keeps stdout instead of passing it on. */
export async function runOtherStore(
  store: { path: string },
  action: ProtocolAction,
  input: Buffer,
  io: StoreIo,
  capture = false,
  /** For doctor's probe: a store that waits on a locked keyring must not hang the check. */
  timeoutMs?: number,
): Promise<RunResult> {
  // Loaded here, not at the top: a cache hit for an ECR host never starts another process (measured: ~2 ms).
  const { spawn } = await import('node:child_process');
  return new Promise((done) => {
    const out: Buffer[] = [];
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(store.path, [action], { env: { ...io.env, [HANDED_OVER_ENV]: '1' } as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    } catch (error) {
      done({ code: -1, stdout: Buffer.from((error as NodeJS.ErrnoException).code ?? 'spawn failed') });
      return;
    }
    child.stdout.on('data', (chunk: Buffer) => (capture ? out.push(chunk) : io.stdout.write(chunk)));
    child.stderr.on('data', (chunk: Buffer) => io.stderr.write(chunk));
    child.stdin.on('error', () => undefined); // A helper that exits without reading all of stdin.
    let settled = false;
    const finish = (result: RunResult): void => {
      if (settled) return;
      settled = true;
      done(result);
    };
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            // A grandchild (a keyring prompt, `sleep`) may hold the pipes open after the kill: stop waiting for them.
            child.kill('SIGKILL');
            child.stdout.destroy();
            child.stderr.destroy();
            finish({ code: -1, stdout: Buffer.from(`no answer within ${Math.round(timeoutMs / 1000)} s`) });
          }, timeoutMs);
    let spawnError: NodeJS.ErrnoException | undefined;
    child.on('error', (error: NodeJS.ErrnoException) => (spawnError = error));
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (spawnError) finish({ code: -1, stdout: Buffer.from(spawnError.code ?? 'spawn failed') });
      // Killed by a signal: a shell would say 128+n; any non-zero code tells Docker it failed.
      else finish({ code: code ?? (signal ? 1 : 0), stdout: Buffer.concat(out) });
    });
    child.stdin.end(input);
  });
}

export interface ProtocolDeps {
  settings: Settings;
  env: Env;
  log: Logger;
  platform?: NodeJS.Platform;
}

/**
 * One protocol action as the credsStore: ours (through `answer`, given the same stdin bytes) or the other
 * store's. Returns the exit code.
 */
export async function handleStoreAction(
  action: ProtocolAction,
  io: StoreIo & { stdin: NodeJS.ReadableStream },
  deps: ProtocolDeps,
  answer: (stdin: NodeJS.ReadableStream, stdout: NodeJS.WritableStream) => Promise<number>,
): Promise<number> {
  const input = await readRawInput(io.stdin);
  const ours = (stdout: NodeJS.WritableStream = io.stdout): Promise<number> => answer(bytesAsStdin(input), stdout);
  const text = input.length > MAX_INPUT_BYTES ? '' : input.toString('utf8');

  let serverUrl: string | undefined;
  if (action === 'get' || action === 'erase') serverUrl = text;
  else if (action === 'store') serverUrl = storedServerUrl(text);
  // Ours: an ECR host, or input that names no host at all (the protocol layer answers that).
  if (action !== 'list' && (serverUrl === undefined || text.trim() === '' || servesServerUrl(serverUrl, deps.settings))) return ours();

  let other: OtherStore;
  try {
    other = otherStore(deps.settings, deps.env, deps.platform);
  } catch {
    // The config file is broken: our own path reports it, with file and line, for ECR hosts; other hosts get
    // "not found" rather than a guess about where their logins are.
    other = { state: 'none', why: `${deps.settings.helperConfigFile} cannot be read` };
  }

  if (action === 'list') return mergedList(other, input, io, deps, ours);

  const host = printableAscii(serverUrl!.trim());
  if (other.state !== 'found') {
    const nameOne = `name one in ${deps.settings.helperConfigFile ?? '~/.config/docker-credential-ecr/config.json'} ("credsStore": "pass", "secretservice", "osxkeychain", "wincred" or "desktop")`;
    const why = other.state === 'missing' ? `docker-credential-${other.name} (named in ${deps.settings.helperConfigFile}) is not on PATH` : `no credential store for registries other than ECR (${other.why})`;
    if (action === 'get') {
      deps.log.debug(`${host} is not an ECR registry and ${why}`);
      if (other.state === 'missing') deps.log.warn(`${host}: ${why}; pulling anonymously`);
      io.stdout.write(`${NOT_FOUND_MESSAGE}\n`);
      return 1;
    }
    if (action === 'erase') {
      if (other.state === 'missing') {
        io.stdout.write(`${why}\n`);
        return 1;
      }
      return 0; // Nothing was ever stored for it: nothing to forget.
    }
    // store: the login would otherwise vanish without a word.
    const message = `docker-credential-ecr stores no credentials for ${host}, which is not an ECR registry: ${why}; ${other.state === 'missing' ? 'install it or fix the name' : nameOne}`;
    deps.log.error(message);
    io.stdout.write(`${message}\n`);
    return 1;
  }
  deps.log.debug(`${host} is not an ECR registry: handing ${action} to docker-credential-${other.name} (${other.source === 'config' ? 'named in the helper config' : "this platform's usual store"})`);
  const result = await runOtherStore(other, action, input, io);
  if (result.code === -1) {
    io.stdout.write(`cannot run ${printable(other.path)}: ${printable(result.stdout.toString('utf8'))}\n`);
    return 1;
  }
  return result.code;
}

/** `list`: the other store's entries for hosts we do not serve, then ours (ours win for ECR hosts). */
async function mergedList(
  other: OtherStore,
  input: Buffer,
  io: StoreIo,
  deps: ProtocolDeps,
  ours: (stdout: NodeJS.WritableStream) => Promise<number>,
): Promise<number> {
  const merged: Record<string, string> = {};
  if (other.state === 'found') {
    const theirs = await runOtherStore(other, 'list', input, io, true);
    if (theirs.code !== 0) {
      // As Docker would see it without us: the store's failure, not a list that silently lacks its logins.
      io.stdout.write(theirs.code === -1 ? `cannot run ${printable(other.path)}\n` : theirs.stdout);
      return theirs.code === -1 ? 1 : theirs.code;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(theirs.stdout.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      io.stdout.write(`docker-credential-${other.name} list answered something that is not a JSON object\n`);
      return 1;
    }
    for (const [url, user] of Object.entries(parsed as Record<string, unknown>)) {
      if (typeof user === 'string' && !servesServerUrl(url, deps.settings)) merged[url] = user;
    }
  }
  const chunks: Buffer[] = [];
  const { Writable } = await import('node:stream');
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  });
  const code = await ours(sink);
  const text = Buffer.concat(chunks).toString('utf8');
  if (code !== 0) {
    io.stdout.write(text);
    return code;
  }
  Object.assign(merged, JSON.parse(text) as Record<string, string>);
  io.stdout.write(`${JSON.stringify(merged)}\n`);
  return 0;
}
