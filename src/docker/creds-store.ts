// `"credsStore": "ecr"` in the Docker config: Docker then asks this helper about every registry. Hosts our
// routing serves (ECR, ECR Public, the config file's custom hosts: registry/routing.ts, the one answer) are answered
// here as always; every other host, look-alikes of ECR hosts included, is handed, byte for byte, to another store
// helper (stdin, stdout, stderr and exit code), so `docker login ghcr.io` lands where it would have without us.
// `list` merges both. The other store is in other-store.ts. A "did you mean" hint for a look-alike is said on
// `get` only, and only when the answer is "not found".
import { NOT_FOUND_MESSAGE } from '../platform/errors';
import { MAX_INPUT_BYTES, readRawInput } from '../platform/read-input';
import { bytesAsStdin } from '../platform/stdio';
import { printable, printableAscii } from '../platform/log';
import { hintForUnservedHost } from '../registry/hints';
import { parseServerUrl } from '../registry/host';
import { servesHost } from '../registry/routing';
import type { Env, Settings } from '../platform/settings';
import type { Logger } from '../platform/log';
import type { ProtocolAction } from './protocol';
import { otherStore, runOtherStore, type OtherStore, type StoreIo } from './other-store';

export {
  HANDED_OVER_ENV,
  NO_STORE,
  otherStore,
  platformStoreName,
  runOtherStore,
  type OtherStore,
  type RunResult,
  type StoreIo,
} from './other-store';

/**
 * The most a `store` request may hold: Docker's is a few kilobytes, but an identity token can be large, and a
 * login must never be dropped while saying it succeeded. Larger requests fail, saying so.
 */
export const MAX_STORE_BYTES = 1024 * 1024;

/**
 * What no registry address holds: control characters (C0, DEL, C1), spaces, the replacement character of invalid
 * UTF-8, and the invisible format characters that make text look like something else (bidi overrides, zero widths).
 */
const NO_ADDRESS = /[\x00-\x20\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffd]/;

/**
 * Whether this helper answers for a server URL: a host our routing serves (an ECR or ECR Public host, or one the
 * config file maps to a target). Every other address goes to the other store, look-alikes of ECR hosts and
 * addresses our strict parser does not take (IPv6 literals, user info, other schemes) included: without us, Docker
 * would have given that store exactly these bytes, and a login kept from it would be lost. Input that cannot be an
 * address at all (control characters, escapes, spaces) stays ours: our not-found, never shown to another program.
 */
export function servesServerUrl(serverUrl: string, settings: Settings): boolean {
  const text = serverUrl.replace(/\r?\n$/, '');
  let host: string;
  try {
    host = parseServerUrl(text).host;
  } catch {
    return text === '' || NO_ADDRESS.test(text);
  }
  try {
    return servesHost(host, settings);
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
  const input = await readRawInput(io.stdin, action === 'store' ? MAX_STORE_BYTES : MAX_INPUT_BYTES);
  const ours = (stdout: NodeJS.WritableStream = io.stdout): Promise<number> => answer(bytesAsStdin(input), stdout);
  if (action === 'store' && input.length > MAX_STORE_BYTES) {
    // Never a success for a login that was dropped: Docker would print "Login Succeeded" over nothing stored.
    const message = `docker-credential-ecr: the store request is larger than ${MAX_STORE_BYTES / 1024} KiB, more than any login needs; nothing was stored`;
    deps.log.error(message);
    io.stdout.write(`${message}\n`);
    return 1;
  }
  const text = action !== 'store' && input.length > MAX_INPUT_BYTES ? '' : input.toString('utf8');

  let serverUrl: string | undefined;
  if (action === 'get' || action === 'erase') serverUrl = text;
  else if (action === 'store') serverUrl = storedServerUrl(text);
  // Ours: a host our routing serves, or input that names no host at all (the protocol layer answers that).
  if (action !== 'list' && (serverUrl === undefined || text.trim() === '' || servesServerUrl(serverUrl, deps.settings)))
    return ours();

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
    const why =
      other.state === 'missing'
        ? `docker-credential-${other.name} (named in ${deps.settings.helperConfigFile}) is not on PATH`
        : `no credential store for registries other than ECR (${other.why})`;
    if (action === 'get') {
      deps.log.debug(`${host} is not an ECR registry and ${why}`);
      if (other.state === 'missing') deps.log.warn(`${host}: ${why}; pulling anonymously`);
      warnLookAlike(serverUrl!, deps.log);
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
  deps.log.debug(
    `${host} is not an ECR registry: handing ${action} to docker-credential-${other.name} (${other.source === 'config' ? 'named in the helper config' : "this platform's usual store"})`,
  );
  // A `get` answer is kept until the store is done: a look-alike's hint comes after "not found", never instead.
  const result = await runOtherStore(other, action, input, io, action === 'get');
  if (result.code === -1) {
    io.stdout.write(`cannot run ${printable(other.path)}: ${printable(result.stdout.toString('utf8'))}\n`);
    return 1;
  }
  if (action === 'get') {
    io.stdout.write(result.stdout);
    if (foundNothing(result.code, result.stdout)) warnLookAlike(serverUrl!, deps.log);
  }
  return result.code;
}

/**
 * Whether a store's `get` answer gives nothing: "not found", or (docker-credential-pass, for a host it has no
 * entry for) empty credentials with exit 0.
 */
function foundNothing(code: number, stdout: Buffer): boolean {
  const text = stdout.toString('utf8').trim();
  if (code !== 0) return text === NOT_FOUND_MESSAGE;
  try {
    const answer = JSON.parse(text) as { Username?: unknown; Secret?: unknown } | null;
    return answer?.Username === '' && answer.Secret === '';
  } catch {
    return false;
  }
}

/** "Did you mean": for a host that only looks like ECR, said once the answer is "not found". */
function warnLookAlike(serverUrl: string, log: Logger): void {
  const hint = hintForUnservedHost(serverUrl);
  if (hint) log.warn(printable(hint));
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
