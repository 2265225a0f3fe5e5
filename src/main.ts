// The executable's entry point: binds the real process to the CLI, which takes everything as parameters.
//
// Contract: `version` and a cache hit served from its memo (fast-hit.ts, bundled into this entry chunk) load no
// other chunk and no node module: both write with the runtime's own call, the hit also reads with the runtime's own
// calls. Everything else, and every hit the memo cannot vouch for, goes to the CLI (a chunk of its own)
// with the standard streams of stdio.ts. What each of these costs, and why they are arranged so:
// docs/performance.md ("The hit against the runtime's floor").
import { answerFromMemo, type HandOver } from './fast-hit';
import { removeForeignSwitches, restartWithoutEngineOptions } from './platform/foreign-switches';
import { invokedName, writeAnswerWithRuntime } from './platform/runtime';
import { isVersionRequest, versionLine } from './platform/version';

const argv = process.argv.slice(2);

/** The full path: the CLI, with the request bytes the quick path may already have read. */
async function runFull(handOver: HandOver): Promise<void> {
  const [{ runCli }, stdio] = await Promise.all([import('./cli'), import('./platform/stdio')]);
  const stdout = stdio.standardOutput(1);
  const stderr = stdio.standardOutput(2);
  const finish = (code: number): void => {
    const failure = stdout.failure();
    if (failure) {
      // The answer did not reach Docker (`get >/dev/full`, a closed pipe): say so once instead of a stack trace.
      stderr.write(`docker-credential-ecr: cannot write to standard output: ${failure.code ?? failure.message}\n`);
    }
    // Exit now, not when the event loop drains: a request abandoned at its deadline (a credentials endpoint that
    // never answers) would otherwise keep the process, and the pull, waiting.
    const exitCode = failure ? 1 : code;
    stdout.flush(() => stderr.flush(() => process.exit(exitCode)));
  };
  const stdin = handOver.stdin ? stdio.bytesAsStdin(handOver.stdin) : stdio.standardInput();
  runCli(argv, {
    stdin,
    stdout,
    stderr,
    env: process.env,
    now: () => Date.now(),
    invokedAs: invokedName(),
    // Already read by the quick path, so not a terminal.
    stdinIsTerminal: handOver.stdin ? () => false : stdio.standardInputIsTerminal,
    ...(handOver.memo ? { hitMemo: handOver.memo } : {}),
  }).then(finish, () => {
    // Never print the error itself: it might carry a secret. runCli handles all expected failures.
    stderr.write('docker-credential-ecr: internal error\n');
    finish(1);
  });
}

/** `version`, or a hit from the memo, or the full path. Awaits rather than then(): fast-hit.ts says why. */
async function main(): Promise<void> {
  if (isVersionRequest(argv)) {
    // Before anything else is loaded or read: `version` costs the runtime's start-up and one write.
    const written = writeAnswerWithRuntime(versionLine());
    if (written) process.exit(await written);
    return runFull({});
  }
  // With BUN_JSC_* or MIMALLOC_* set, another run of this executable answers instead (foreign-switches.ts).
  if (restartWithoutEngineOptions()) return;
  // Switches of bundled third-party code that the environment could flip (a debug printer, TLS off) are removed
  // before anything else reads the environment; the memo's name covers the environment as it is after this.
  removeForeignSwitches(process.env);
  let outcome: number | HandOver;
  try {
    outcome = await answerFromMemo(argv, process.env, () => Date.now());
  } catch {
    outcome = {};
  }
  if (typeof outcome === 'number') process.exit(outcome);
  return runFull(outcome);
}

void main();
