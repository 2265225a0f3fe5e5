// The executable's entry point: binds the real process to the CLI, which takes everything as parameters.
import { runCli } from './cli';
import { standardInput, standardOutput } from './stdio';

runCli(process.argv.slice(2), {
  stdin: standardInput(),
  stdout: standardOutput(1),
  stderr: standardOutput(2),
  env: process.env,
  now: () => Date.now(),
}).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    // Never print the error itself: it might carry a secret. runCli handles all expected failures.
    process.stderr.write('docker-credential-ecr: internal error\n');
    process.exitCode = 1;
  },
);
