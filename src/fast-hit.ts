// A cache hit from the memo (memo/hit-memo.ts), before the CLI is loaded: the compiled executable's `get` and
// kubelet mode, on POSIX systems. It reads stdin, names the memo (memo/input-digest.ts), asks whether it vouches for
// an answer (memo/vouch.ts) and writes the answer, with the runtime's own calls (Bun.file, Bun.stdin, Bun.sha,
// Bun.write: memo/runtime-files.ts); it loads no node module and no other chunk, and stays off the engine's
// functions that are written in JavaScript (Array.prototype.sort, map, every, filter, some, Promise.all, then): the
// first call of each compiles it from source (four of them put back into a hit cost it 0.36 MiB of peak memory,
// docs/performance.md). Whatever it cannot vouch for, it leaves to the full path (cli.ts) and hands on what it has
// read: the request's bytes and the memo's name, so the full path writes the memo for the next run.
import { environmentText, identityText, inputDigest } from './memo/input-digest';
import { runtimeApi, statOrWhy, type BunApi } from './memo/runtime-files';
import { isOurs, vouchedMemo } from './memo/vouch';
import { encodeCredentials } from './docker/answer';
import { KUBELET_MODE, KUBELET_PLUGIN_NAME, type KubeletApiVersion } from './kubelet/names';
import { cacheDurationFor, kubeletResponseProblem, kubeletResponseText } from './kubelet/response-text';
import { MAX_INPUT_BYTES } from './platform/read-input';
import { invokedName, selfExecutable, writeAnswerWithRuntime } from './platform/runtime';

/** What the full path gets from this one when it did not answer. */
export interface HandOver {
  /** The request as read (at most MAX_INPUT_BYTES + 1 bytes), when it was read here. */
  stdin?: Uint8Array;
  /** Where the full path may write the memo for these inputs. */
  memo?: { inputDigest: string; cacheDir: string };
}

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

/**
 * Answers a cache hit from the memo and resolves to its exit code; otherwise to what the full path needs to go on.
 * Never answers what the full path would not: every input it does not check is part of the memo's name.
 */
export async function answerFromMemo(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  now: () => number,
): Promise<number | HandOver> {
  const bun = runtimeApi();
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

/** The answer from the memo, in Docker's or the kubelet's format; undefined when the memo does not vouch for one. */
async function answerText(
  bun: BunApi,
  digest: string,
  cacheDir: string,
  directoryIsOurs: boolean,
  kubelet: boolean,
  now: () => number,
): Promise<string | undefined> {
  const vouched = await vouchedMemo(bun, digest, cacheDir, directoryIsOurs, kubelet ? 'kubelet' : 'docker', now);
  if (vouched === undefined) return undefined;
  const { memo, at } = vouched;
  const { username, password } = memo.token;
  if (memo.answer.kind === 'docker')
    return encodeCredentials({ ServerURL: memo.answer.serverUrl, Username: username, Secret: password });
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
