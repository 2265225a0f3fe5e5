// The executable's entry point: binds the real process to the CLI, which takes everything as parameters.
import { removeForeignSwitches, restartWithoutEngineOptions } from './platform/foreign-switches';
import { invokedName } from './platform/runtime';
import { standardInput, standardInputIsTerminal, standardOutput } from './platform/stdio';
import { isVersionRequest, versionLine } from './version';

const stdout = standardOutput(1);
const stderr = standardOutput(2);

function finish(code: number): void {
  const failure = stdout.failure();
  if (failure) {
    // The answer did not reach Docker (`get >/dev/full`, a closed pipe): say so once instead of a stack trace.
    stderr.write(`docker-credential-ecr: cannot write to standard output: ${failure.code ?? failure.message}\n`);
  }
  // Exit now, not when the event loop drains: a request abandoned at its deadline (a credentials endpoint that
  // never answers) would otherwise keep the process, and the pull, waiting.
  const exitCode = failure ? 1 : code;
  stdout.flush(() => stderr.flush(() => process.exit(exitCode)));
}

const argv = process.argv.slice(2);
if (isVersionRequest(argv)) {
  // Before anything else is loaded or read: `version` costs the runtime's start-up and one write.
  stdout.write(versionLine());
  finish(0);
} else if (!restartWithoutEngineOptions()) {
  // With BUN_JSC_* or MIMALLOC_* set, another run of this executable answers instead (foreign-switches.ts).
  // Switches of bundled third-party code that the environment could flip (a debug printer, TLS off) are removed
  // before the CLI chunk, and with it every such module, is loaded.
  removeForeignSwitches(process.env);
  // The CLI is a chunk of its own, loaded for everything but `version` (which is 1.6 ms faster for it). Importing
  // it statically instead made no measurable difference to a cache hit in interleaved runs.
  import('./cli')
    .then(({ runCli }) => runCli(argv, { stdin: standardInput(), stdout, stderr, env: process.env, now: () => Date.now(), invokedAs: invokedName(), stdinIsTerminal: standardInputIsTerminal }))
    .then(finish, () => {
      // Never print the error itself: it might carry a secret. runCli handles all expected failures.
      stderr.write('docker-credential-ecr: internal error\n');
      finish(1);
    });
}
