// Switches of other people's code that the environment can flip, turned off before any of that code loads. Docker
// hands a credential helper the user's whole environment, where DEBUG=* may be set for some Node tool: the proxy
// agents we bundle would then print the proxy's password and the request's SigV4 Authorization header on
// stderr, which Docker shows. Imported first by main.ts, so it runs before every other module is evaluated.
//
// What the runtime reads natively at start-up cannot be removed from here: the build makes those names
// unreadable in the embedded runtime (NEUTRALISED_ENV in scripts/compile.mjs), BUN_JSC_* make the executable
// start itself again without them (below), and the npm launcher starts Node again without NODE_DEBUG and
// NODE_EXTRA_CA_CERTS (npm/launcher.js).
import { selfExecutable } from './runtime';

/** Names removed from process.env; each is a debug printer or a TLS override that no user of ours asked us for. */
export const FOREIGN_SWITCHES: readonly RegExp[] = [
  // The `debug` package (inside https-proxy-agent, agent-base): DEBUG and its formatting options DEBUG_*.
  /^DEBUG(_|$)/,
  // Node's and Bun's own debug printers: NODE_DEBUG=http prints every request's headers.
  /^NODE_DEBUG(_NATIVE)?$/,
  // TLS is always verified, against the system store plus AWS_CA_BUNDLE only.
  /^NODE_TLS_REJECT_UNAUTHORIZED$/,
  /^NODE_EXTRA_CA_CERTS$/,
];

export function removeForeignSwitches(env: NodeJS.ProcessEnv): string[] {
  const removed = Object.keys(env).filter((name) => FOREIGN_SWITCHES.some((pattern) => pattern.test(name)));
  for (const name of removed) delete env[name];
  return removed;
}

/**
 * JavaScriptCore reads BUN_JSC_* when the runtime starts, before this module runs, and the build cannot make the
 * prefix unreadable. With one set, the compiled executable runs itself again without them and exits with that
 * run's code: the first process reads nothing and writes nothing. Costs one start-up, only when one is set.
 */
function restartWithoutEngineOptions(): void {
  const names = Object.keys(process.env).filter((name) => name.startsWith('BUN_JSC_'));
  if (names.length === 0 || !selfExecutable()) return;
  const env = { ...process.env };
  for (const name of names) delete env[name];
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const result = spawnSync(process.execPath, process.argv.slice(2), { stdio: 'inherit', env, argv0: process.argv0 });
  process.exit(result.status ?? 1);
}

removeForeignSwitches(process.env);
restartWithoutEngineOptions();
