// A cache hit from the memo (memo/hit-memo.ts), before the CLI is loaded: the compiled executable's `get` and
// kubelet mode, on POSIX systems. It stats, reads, hashes and writes with the runtime's own calls (Bun.file,
// Bun.stdin, Bun.sha, Bun.write), loads no node module and no other chunk, and stays off the engine's
// functions that are written in JavaScript (Array.prototype.sort, map, every, filter, some, Promise.all, then): the
// first call of each compiles it from source (four of them put back into a hit cost it 0.36 MiB of peak memory,
// docs/performance.md). Whatever it cannot vouch for, it leaves to the full path (cli.ts) and hands on what it has
// read: the request's bytes and the memo's name, so the full path writes the memo for the next run.
import { isHitMemo, memoFileName, NOT_INPUTS } from './memo/hit-memo';
import { freshness } from './cache/policy';
import { encodeCredentials } from './docker/answer';
import { KUBELET_MODE, KUBELET_PLUGIN_NAME, type KubeletApiVersion } from './kubelet/names';
import { cacheDurationFor, kubeletResponseProblem, kubeletResponseText } from './kubelet/response-text';
import { sameAsRecorded } from './platform/file-fingerprint';
import { MAX_INPUT_BYTES } from './platform/read-input';
import { invokedName, selfExecutable, writeAnswerWithRuntime } from './platform/runtime';
import { VERSION } from './platform/version';

/** The part of Bun's API used here (the project does not depend on Bun's type package). */
interface Stats {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  mode: number;
  uid: number;
  isFile(): boolean;
  isDirectory(): boolean;
}
interface Readable {
  /**
   * A synchronous stat through any link (no open): st_size of a regular file or a directory, Infinity for anything
   * else (a FIFO, a device, a socket), 0 when there is nothing to stat (Bun 1.4.5).
   */
  readonly size: number;
  /** A stat through any link (the runtime's statx without AT_SYMLINK_NOFOLLOW; fstat for stdin). */
  stat(): Promise<Stats>;
  /** Reads at most `end` bytes, opening a file O_RDONLY | O_NONBLOCK. */
  slice(begin: number, end: number): { bytes(): Promise<Uint8Array> };
}
interface BunApi {
  stdin: Readable;
  file(path: string): Readable;
  /** SHA-512/256 of the text's UTF-8 bytes, in one call. */
  sha(text: string, encoding: 'hex'): string;
}

/** What the full path gets from this one when it did not answer. */
export interface HandOver {
  /** The request as read (at most MAX_INPUT_BYTES + 1 bytes), when it was read here. */
  stdin?: Uint8Array;
  /** Where the full path may write the memo for these inputs. */
  memo?: { inputDigest: string; cacheDir: string };
}

const errorCode = (error: unknown): string | undefined => (error as { code?: string } | undefined)?.code;

/**
 * The directory the full path would cache in, in the common cases; the memo says whether it did. Without HOME the
 * full path takes the home directory from the password database, which no memo covers: no quick path then.
 * Where it is defined, it is settings.ts's answer (test/fast-hit.test.ts pins the two together); elsewhere the
 * memo's own record of its directory makes any difference a full-path run, never another answer.
 */
export function cacheDirCandidate(env: NodeJS.ProcessEnv): string | undefined {
  if (env.AWS_ECR_DISABLE_CACHE || !env.HOME) return undefined;
  if (env.AWS_ECR_CACHE_DIR) return env.AWS_ECR_CACHE_DIR.startsWith('/') ? env.AWS_ECR_CACHE_DIR : undefined;
  if (env.XDG_CACHE_HOME?.startsWith('/')) return `${env.XDG_CACHE_HOME}/docker-credential-ecr`;
  return env.HOME ? `${env.HOME}/.cache/docker-credential-ecr` : undefined;
}

/**
 * At most MAX_INPUT_BYTES + 1 bytes (one more tells the full path the request was oversized). The runtime stops
 * reading a pipe once it has that many, but may have read one buffer past them (128 KiB in all from a larger pipe,
 * Bun 1.4.5): what is past the bound is dropped here, before anything else sees it. undefined: nothing read (closed,
 * or a directory as stdin): the full path reads and answers as it always does.
 */
async function readStdin(bun: BunApi): Promise<Uint8Array | undefined> {
  try {
    const bytes = await bun.stdin.slice(0, MAX_INPUT_BYTES + 1).bytes();
    return bytes.length > MAX_INPUT_BYTES + 1 ? bytes.slice(0, MAX_INPUT_BYTES + 1) : bytes;
  } catch {
    return undefined;
  }
}

/** The build, set by scripts/compile.mjs (a digest of the sources and the runtime); absent under Node. */
declare const DCE_BUILD_ID: string | undefined;
const BUILD = typeof DCE_BUILD_ID === 'string' ? DCE_BUILD_ID : 'unbuilt';

/**
 * Who runs: the ids and groups decide what the full path may read. The groups as the runtime gives them, unsorted
 * (the same groups in another order name another memo, never the same memo for other groups).
 */
function identityText(): string {
  return JSON.stringify([
    process.getuid?.(),
    process.geteuid?.(),
    process.getgid?.(),
    process.getegid?.(),
    process.getgroups?.(),
  ]);
}

/**
 * The environment but NOT_INPUTS, every entry after a NUL (which neither names nor values contain), in the order
 * the process got it: the same environment in another order names another memo (one full-path run), never the
 * same memo for another environment. Not sorted, which would compile the engine's sort (see above).
 */
function environmentText(env: NodeJS.ProcessEnv): string {
  let environment = '';
  const names = Object.keys(env);
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    if (!NOT_INPUTS.has(name)) environment += `\0${name}=${env[name]}`;
  }
  return environment;
}

/**
 * Everything but the files that decides the answer, as one digest: the SHA-512/256 (the runtime's one-shot
 * `Bun.sha`) of one JSON array of them, which no two different sets of inputs share (stdin as one character per
 * byte, so that any bytes keep their identity; a loop over them would make the engine compile it when a kubelet's
 * request is long). Which build too: another build may decide otherwise.
 */
function inputDigest(
  bun: BunApi,
  argv: readonly string[],
  stdin: Uint8Array,
  identity: string,
  environment: string,
): string {
  // windows-1252 (what the "latin1" label decodes): one distinct character per byte value, no loop over the bytes.
  const request = new TextDecoder('latin1').decode(stdin);
  return bun.sha(
    JSON.stringify([
      'docker-credential-ecr hit memo 2',
      VERSION,
      BUILD,
      identity,
      invokedName(),
      argv,
      request,
      environment,
    ]),
    'hex',
  );
}

// A BOM stays, so that JSON.parse refuses it as the full path's reader does. Made when first used, not when this chunk
// loads: `version` loads it too.
let utf8: TextDecoder | undefined;

/**
 * A JSON file in the caller's own directory (checked before): 1 byte to MAX_FILE_BYTES by a stat through any link
 * (a regular file or a directory: the runtime's size of anything else is Infinity), then opened without blocking and
 * read bounded (a directory: EISDIR). A FIFO, a device or /dev/zero behind the name is never opened; one swapped in
 * after the stat reads as nothing or too much. undefined: not one.
 */
async function readOwnJson(bun: BunApi, path: string): Promise<unknown> {
  // A synchronous stat, no round trip to the file pool: a FIFO, a device or a socket is Infinity and never opened. A
  // directory has a size and is opened, which reads nothing (EISDIR) and changes nothing.
  const size = bun.file(path).size;
  if (!(size > 0 && size <= MAX_FILE_BYTES)) return undefined;
  try {
    // One byte past the bound, never more: a file grown past it since the stat is refused, not truncated.
    const bytes = await bun
      .file(path)
      .slice(0, MAX_FILE_BYTES + 1)
      .bytes();
    return bytes.length > MAX_FILE_BYTES
      ? undefined
      : JSON.parse((utf8 ??= new TextDecoder('utf-8', { ignoreBOM: true })).decode(bytes));
  } catch {
    return undefined;
  }
}

/** As the cache's own reader (cache/store.ts): a memo is a few hundred bytes. */
const MAX_FILE_BYTES = 64 * 1024;

type StatOrWhy = Stats | null | 'unreadable';

/**
 * A file's stat through any link; null when it does not exist (ENOENT only); 'unreadable' for any other failure. Never
 * rejects. The failure is handled as a rejection, not caught as a throw: an absent file is the common case, and the
 * engine's unwinding of a throw costs a hit 0.25 MiB of peak memory (docs/performance.md).
 */
const statOrWhy = (bun: BunApi, path: string): Promise<StatOrWhy> =>
  bun
    .file(path)
    .stat()
    .catch((error: unknown) => (errorCode(error) === 'ENOENT' ? null : 'unreadable'));

/**
 * Whether `fd` is a terminal: the runtime's isatty, without loading node:tty. Any doubt (a runtime without it) counts
 * as a terminal, which sends the request down the full path.
 */
function isTerminal(fd: number): boolean {
  try {
    return (
      (process as unknown as { binding(name: string): { isTTY(fd: number): boolean } })
        .binding('tty_wrap')
        .isTTY(fd) !== false
    );
  } catch {
    return true;
  }
}

/** A cache directory no one else can write to, as the full path requires (TokenStore.open). */
const isOurs = (dir: StatOrWhy, uid: number | undefined): boolean =>
  typeof dir === 'object' && dir !== null && dir.isDirectory() && dir.uid === uid && (dir.mode & 0o022) === 0;

/**
 * Answers a cache hit from the memo and resolves to its exit code; otherwise to what the full path needs to go on.
 * Never answers what the full path would not: every input it does not check is part of the memo's name.
 */
export async function answerFromMemo(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  now: () => number,
): Promise<number | HandOver> {
  const bun = (globalThis as { Bun?: BunApi }).Bun;
  if (!bun || !selfExecutable() || process.platform === 'win32') return {};
  const kubelet =
    (argv.length === 1 && argv[0] === KUBELET_MODE) || (argv.length === 0 && invokedName() === KUBELET_PLUGIN_NAME);
  if (!kubelet && !(argv.length === 1 && argv[0] === 'get')) return {};
  const cacheDir = cacheDirCandidate(env);
  if (!cacheDir) return {};
  // A terminal: the full path reads it and says what `get` waits for. Asked synchronously (isatty), so that reading
  // stdin need not wait for a stat of it first.
  if (isTerminal(0)) return {};
  // The runtime's own calls, never node:fs (loading it costs more than the rest of the hit together). Each call is a
  // round trip to the runtime's file pool, so the independent ones go together (stdin with the directory's stat),
  // and the rest of the inputs are gathered while they run.
  const reading = readStdin(bun);
  const statted = statOrWhy(bun, cacheDir);
  let identity: string | undefined;
  let environment: string | undefined;
  try {
    identity = identityText();
    environment = environmentText(env);
  } catch {
    environment = undefined; // then no memo: the full path decides
  }
  const stdin = await reading;
  const directory = await statted;
  if (stdin === undefined) return {};
  const handOver: HandOver = { stdin };
  if (stdin.length > MAX_INPUT_BYTES || identity === undefined || environment === undefined) return handOver;
  try {
    const digest = inputDigest(bun, argv, stdin, identity, environment);
    handOver.memo = { inputDigest: digest, cacheDir };
    const answer = await answerText(bun, digest, cacheDir, isOurs(directory, process.getuid?.()), kubelet, now);
    return answer === undefined ? handOver : await writeAnswerWithRuntime(answer)!;
  } catch {
    return handOver; // whatever went wrong here, the full path decides
  }
}

async function answerText(
  bun: BunApi,
  digest: string,
  cacheDir: string,
  directoryIsOurs: boolean,
  kubelet: boolean,
  now: () => number,
): Promise<string | undefined> {
  // Nothing in the directory is touched before it is known to be the caller's own, writable by no one else.
  if (!directoryIsOurs) return undefined;
  const memo = await readOwnJson(bun, `${cacheDir}/${memoFileName(digest)}`);
  if (!isHitMemo(memo) || memo.cacheDir !== cacheDir || memo.answer.kind !== (kubelet ? 'kubelet' : 'docker'))
    return undefined;
  // All at once (one round trip), collected in order.
  const entryStat = statOrWhy(bun, `${cacheDir}/${memo.keyId}.json`);
  // An absent file with an ancestor that vouches for it: that directory's stat, once for all the files under it.
  const fileStats: Promise<StatOrWhy>[] = [];
  const byPath = new Map<string, Promise<StatOrWhy>>();
  for (let i = 0; i < memo.files.length; i++) {
    const path = memo.files[i].absentUnder?.path ?? memo.files[i].path;
    let stat = byPath.get(path);
    if (stat === undefined) byPath.set(path, (stat = statOrWhy(bun, path)));
    fileStats.push(stat);
  }
  const { username, password } = memo.token;
  // Docker's answer does not depend on the time: written out while the stats run, used only if all is as it was.
  const docker =
    memo.answer.kind === 'docker'
      ? encodeCredentials({ ServerURL: memo.answer.serverUrl, Username: username, Secret: password })
      : undefined;
  const entry = await entryStat;
  const files: StatOrWhy[] = [];
  for (let i = 0; i < fileStats.length; i++) files.push(await fileStats[i]);
  // As recorded: a file (the same one, unchanged) or absent (null); a file that could not be statted matches neither.
  const same = (stat: StatOrWhy | undefined, recorded: string | null): boolean =>
    stat === null || recorded === null ? stat === recorded : typeof stat === 'object' && sameAsRecorded(stat, recorded);
  // The entry is the file the token was read from, unchanged (a refresh, an erase, a corrupt or replaced entry:
  // the full path deals with it); every file the decision read is as it was then (the same file, unchanged), or
  // still absent (itself, or the directory that vouches for it unchanged: FileFingerprint.absentUnder).
  if (!same(entry, memo.entry)) return undefined;
  for (let i = 0; i < files.length; i++) {
    const under = memo.files[i].absentUnder;
    if (!same(files[i], under === undefined ? memo.files[i].fingerprint : under.fingerprint)) return undefined;
  }
  const at = now();
  if (freshness(memo.token, at) !== 'fresh' || (memo.notAfter !== undefined && !(at < memo.notAfter))) return undefined;
  if (memo.answer.kind === 'docker') return docker;
  const response = {
    apiVersion: memo.answer.apiVersion as KubeletApiVersion,
    authKey: memo.answer.authKey,
    username,
    password,
    cacheDurationMs: cacheDurationFor(memo.token, at),
  };
  // One the full path would refuse to send: it says why.
  return kubeletResponseProblem(response) === undefined ? kubeletResponseText(response) : undefined;
}
