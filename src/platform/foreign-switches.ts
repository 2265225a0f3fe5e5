// Switches of other people's code that the environment can flip, turned off before any of that code loads. Docker
// hands a credential helper the user's whole environment, where DEBUG=* may be set for some Node tool: the proxy
// agents we bundle would then print the proxy's password and the request's SigV4 Authorization header on
// stderr, which Docker shows. main.ts calls removeForeignSwitches() before it loads the CLI, the chunk that brings
// every other module.
//
// What the runtime reads natively at start-up cannot be removed from here: the build makes those names
// unreadable in the embedded runtime (NEUTRALISED_ENV in scripts/compile.mjs), BUN_JSC_* make the executable
// start itself again without them (below), and the npm launcher starts Node again without NODE_DEBUG and
// NODE_EXTRA_CA_CERTS (npm/launcher.js).
import { selfExecutable } from './runtime';

/**
 * Names removed from process.env; each is a debug printer or a TLS override that no user of ours asked us for.
 * Exact names, so the environment is not enumerated on every `get`.
 */
const FOREIGN_SWITCHES: readonly string[] = [
  // The `debug` package (inside https-proxy-agent, agent-base). Its formatting options (DEBUG_COLORS, DEBUG_DEPTH,
  // ...) print nothing without DEBUG.
  'DEBUG',
  // Node's and Bun's own debug printers: NODE_DEBUG=http prints every request's headers.
  'NODE_DEBUG',
  'NODE_DEBUG_NATIVE',
  // TLS is always verified, against the system store plus AWS_CA_BUNDLE only.
  'NODE_TLS_REJECT_UNAUTHORIZED',
  'NODE_EXTRA_CA_CERTS',
];

export function removeForeignSwitches(env: NodeJS.ProcessEnv): string[] {
  // Loops, not filter(): every run does this (src/fast-hit.ts says why).
  const removed: string[] = [];
  for (let i = 0; i < FOREIGN_SWITCHES.length; i++) {
    const name = FOREIGN_SWITCHES[i];
    if (env[name] === undefined) continue;
    delete env[name];
    removed.push(name);
  }
  return removed;
}

/**
 * JavaScriptCore reads BUN_JSC_* and the allocator reads MIMALLOC_* when the runtime starts, before this module runs,
 * and the build cannot make those prefixes unreadable (the runtime holds neither as one string). With one set, the
 * compiled executable runs itself again without them and ends as that run ends: same exit code, same signal, and
 * SIGTERM, SIGINT and SIGHUP passed on to it. Whatever such a value does at start-up (BUN_JSC_dumpOptions=1 prints
 * the options, MIMALLOC_VERBOSE=1 prints the allocator's, a value that crashes the engine) happens once more in
 * this first process, before any code of ours; from here on it reads and writes nothing. Costs one start-up, only
 * when one is set.
 */
const ENGINE_OPTION_PREFIXES = ['BUN_JSC_', 'MIMALLOC_'];
// In any case; without a regular expression, which a hit would otherwise compile for this alone. toUpperCase() also
// folds a few non-ASCII letters (ı, ſ) that the runtime would not: such names restart too, which is harmless.
function isEngineOption(name: string): boolean {
  for (let i = 0; i < ENGINE_OPTION_PREFIXES.length; i++) {
    const prefix = ENGINE_OPTION_PREFIXES[i];
    if (name.slice(0, prefix.length).toUpperCase() === prefix) return true;
  }
  return false;
}
const PASSED_ON: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/** Starts the run without them when one is set, and says so: the caller then does nothing else (stdin is the child's). */
export function restartWithoutEngineOptions(): boolean {
  if (!selfExecutable()) return false;
  const names: string[] = [];
  const all = Object.keys(process.env);
  for (let i = 0; i < all.length; i++) if (isEngineOption(all[i])) names.push(all[i]);
  if (names.length === 0) return false;
  const env = { ...process.env };
  for (const name of names) delete env[name];
  // Imported, not required: a `require` anywhere in the entry's modules makes every hit load the bundler's helper
  // chunk. The pending import keeps this process alive until the child runs; a signal before then ends it with
  // no child left behind.
  void import('node:child_process').then(
    ({ spawn }) => {
      const child = spawn(process.execPath, process.argv.slice(2), { stdio: 'inherit', env, argv0: process.argv0 });
      const passOn = (signal: NodeJS.Signals): void => {
        child.kill(signal);
      };
      for (const signal of PASSED_ON) process.on(signal, passOn);
      child.on('exit', (code, signal) => {
        for (const passed of PASSED_ON) process.off(passed, passOn);
        if (signal) process.kill(process.pid, signal);
        process.exit(code ?? 1);
      });
      child.on('error', () => process.exit(1));
    },
    () => process.exit(1),
  );
  return true;
}
