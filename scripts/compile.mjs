// Compiles src/main.ts into one executable with Bun, for the build (this machine's platform) and the release
// (every platform). Nothing is downloaded: Bun itself is the pinned dev dependency `bun`, and the runtime
// embedded in each executable is given with --compile-executable-path (for other platforms, the pinned
// @oven/bun-* package; see scripts/release.mjs).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

export class BuildError extends Error {}
export const fail = (message) => {
  throw new BuildError(message);
};

/** The pinned Bun, as installed by `npm ci` (the package's bin is the native executable once installed). */
export function bunExecutable() {
  const version = require('bun/package.json').version;
  const candidates = [
    join(dirname(require.resolve('bun/package.json')), 'bin', 'bun.exe'), // the package names its native binary so everywhere
    join(
      root,
      'node_modules',
      '@oven',
      `bun-${process.platform}-${process.arch === 'arm64' ? 'aarch64' : process.arch}`,
      'bin',
      'bun',
    ),
  ];
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    const r = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 30_000 });
    if (r.status === 0 && r.stdout.trim() === version) return { path, version };
  }
  fail(
    `Bun ${version} (the dev dependency \`bun\`) does not run here; run \`npm ci\` (tried ${candidates.join(', ')})`,
  );
}

// Environment variables that the Bun runtime reads before our code runs, and that no build flag turns off in a
// compiled executable (measured with Bun 1.4.4 and 1.4.5): BUN_OPTIONS is parsed as command-line options
// (`--preload x.js` runs x.js first, `--version` prints Bun's version instead of answering Docker), BUN_BE_BUN=1
// turns the executable into the bun CLI, BUN_INSPECT* open a debugger. Docker hands the helper the user's whole
// environment, where these may be set for some Bun project, so their names are made unreadable in the runtime
// that is embedded: the first byte of each becomes NUL, and no environment entry can have a name starting with
// NUL. Occurrences in the runtime's embedded JavaScript (`process.env.BUN_INSPECT_NOTIFY`, after a `.` or a quote)
// are left alone.
//
// The runtime reads about 120 BUN_* names (`strings` on it). Decided for each kind:
// - made unreadable: the above; BUN_CONFIG_VERBOSE_FETCH (prints every
//   fetch with its headers); BUN_CRASH_REPORT_URL and BUN_ENABLE_CRASH_REPORTING (send a crash report, stack and
//   all, to a URL from the environment); BUN_FEATURE_FLAG_ (the prefix of switches that turn off IPv4 or IPv6, the
//   DNS cache or TLS session reuse, or turn on experimental HTTP clients); BUN_GARBAGE_COLLECTOR_LEVEL;
//   BUN_BYTECODE_ORDER_OUT, BUN_BYTECODE_ORDER_NAMES_OUT and BUN_BYTECODE_DIGEST_OUT (write a file where they say:
//   BUN_BYTECODE_ORDER_OUT=/tmp/x made a hit write 170 KB there); and Node's
//   NODE_EXTRA_CA_CERTS (trusted by the runtime at start: a CA no AWS_CA_BUNDLE named) and
//   NODE_TLS_REJECT_UNAUTHORIZED (src/platform/foreign-switches.ts removes them for the JavaScript side too).
// - left alone: what only `bun install`, the bundler, the test runner, the dev server or the watcher read
//   (BUN_INSTALL*, BUN_CONFIG_SKIP_INSTALL_PACKAGES, BUN_TEST_*, BUN_WATCHER_TRACE, BUN_PORT, ...), which a compiled
//   helper never runs, and tuning that cannot print, run code or change where a request goes (timeouts of
//   WebSockets and idle HTTP, BUN_TMPDIR).
// - BUN_JSC_* (JavaScriptCore's options: BUN_JSC_dumpOptions=1 prints, heap and JIT dumps write files,
//   BUN_JSC_maxPerThreadStackUsage=1000 crashes at start) cannot be patched: the runtime does not hold the prefix
//   as one string. The executable starts itself again without them (src/platform/foreign-switches.ts).
export const NEUTRALISED_ENV = [
  'BUN_OPTIONS',
  'BUN_BE_BUN',
  'BUN_INSPECT',
  'BUN_CONFIG_VERBOSE_FETCH',
  'BUN_CRASH_REPORT_URL',
  'BUN_ENABLE_CRASH_REPORTING',
  'BUN_FEATURE_FLAG_',
  'BUN_GARBAGE_COLLECTOR_LEVEL',
  // Each makes the executable write a file wherever it names (the functions it ran, in order, for --bytecode-order).
  'BUN_BYTECODE_ORDER_OUT',
  'BUN_BYTECODE_ORDER_NAMES_OUT',
  'BUN_BYTECODE_DIGEST_OUT',
  // Read natively too: CAs are the system store plus AWS_CA_BUNDLE, and TLS is always verified.
  'NODE_EXTRA_CA_CERTS',
  'NODE_TLS_REJECT_UNAUTHORIZED',
  // OpenSSL's (BoringSSL's) own: another trust source, and a file the runtime reads unbounded and blocking (a FIFO
  // hung the helper, /dev/zero took 4 GB). AWS_CA_BUNDLE, read bounded by us, is the one way to add a CA.
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
];

const JS_BEFORE_NAME = new Set([0x2e, 0x22, 0x27, 0x60]); // . " ' `

/** Copies the Bun runtime at `from` to `to` with NEUTRALISED_ENV made unreadable; returns how many names it patched. */
export function neutraliseRuntime(from, to) {
  const bytes = readFileSync(from);
  let patched = 0;
  for (const name of NEUTRALISED_ENV) {
    const needle = Buffer.from(name, 'latin1');
    let found = 0;
    for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + 1)) {
      // `.NAME` or `"NAME"`: the runtime's embedded JavaScript, which reads process.env when it runs (a patched byte
      // in that source broke it). Where such a read matters (NODE_TLS_REJECT_UNAUTHORIZED, NODE_EXTRA_CA_CERTS),
      // foreign-switches.ts removes the name from process.env; the others are read only by code we never run.
      if (at > 0 && JS_BEFORE_NAME.has(bytes[at - 1])) continue;
      bytes[at] = 0;
      found++;
    }
    if (found === 0)
      fail(`${from}: the Bun runtime no longer contains ${name}; check how this Bun version reads it before building`);
    patched += found;
  }
  writeFileSync(to, bytes);
  chmodSync(to, 0o755);
  return patched;
}

/**
 * The build's identity for the memo of a cache hit (src/fast-hit.ts): a digest of every source file, the lockfile,
 * Bun's version and the target. Another build, even of the same version and size, never reuses a memo.
 */
function buildId(bun, target, bytecode) {
  const hash = createHash('sha256').update(JSON.stringify([bun.version, target, bytecode]));
  const files = (dir) =>
    readdirSync(dir)
      .sort()
      .flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]));
  for (const file of [...files(join(root, 'src')), join(root, 'package.json'), join(root, 'package-lock.json')])
    hash.update(file.slice(root.length)).update(readFileSync(file));
  return hash.digest('hex').slice(0, 32);
}

/**
 * bun build --compile: bytecode (no parsing at start-up; `bytecode: false` for targets where it is not known to run), minified, and split so that src/aws/sdk.ts (the AWS
 * SDK half, reached by a dynamic import) is a chunk of its own that a cache hit never loads. The executable
 * reads nothing from its working directory: no .env, bunfig.toml, tsconfig.json or package.json.
 */
export function compile({
  bun,
  target,
  runtime,
  outfile,
  bytecode = true,
  bytecodeOrder = [],
  assets = [],
  entry = join(root, 'src', 'main.ts'),
}) {
  const args = [
    'build',
    entry,
    // Files embedded byte for byte (the release's licence and notices: every executable carries them); a .txt
    // would otherwise become a JavaScript string module.
    ...assets,
    ...(assets.length > 0 ? ['--loader=.txt:file'] : []),
    '--compile',
    `--target=${target}`,
    `--compile-executable-path=${runtime}`,
    ...(bytecode ? ['--bytecode'] : []),
    // Recorded runs' order of the functions (scripts/lib/bytecode-order.mjs): what a hit runs, together in the file.
    ...(bytecode ? bytecodeOrder.map((file) => `--bytecode-order=${commaFree(file)}`) : []),
    '--splitting',
    '--format=esm',
    '--minify',
    '--no-compile-autoload-dotenv',
    '--no-compile-autoload-bunfig',
    '--no-compile-autoload-tsconfig',
    '--no-compile-autoload-package-json',
    ...(entry === join(root, 'src', 'main.ts')
      ? [`--define=DCE_BUILD_ID=${JSON.stringify(buildId(bun, target, bytecode))}`]
      : []),
    `--outfile=${outfile}`,
  ];
  const r = spawnSync(bun.path, args, {
    cwd: root,
    encoding: 'utf8',
    timeout: 300_000,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? root },
  });
  if (r.error || r.status !== 0)
    fail(
      `bun build --target=${target} failed: ${r.error?.message ?? `exit ${r.status}`}\n${`${r.stdout ?? ''}${r.stderr ?? ''}`.trim()}`,
    );
  return r.stdout;
}

/**
 * The order file's path as bun reads it: bun splits each --bytecode-order on commas, and a checkout may have one in
 * its path ("a checkout, it's ü"). Relative to the root (where bun runs) when that has none, else a copy.
 */
function commaFree(file) {
  const rel = relative(root, file);
  if (!rel.includes(',')) return rel;
  if (!file.includes(',')) return file;
  const copy = join(mkdtempSync(join(tmpdir(), 'dce-order-')), basename(file));
  copyFileSync(file, copy);
  if (copy.includes(','))
    fail(`the bytecode order file ${file} has a comma in its path, and so has the temporary directory`);
  return copy;
}

/** Removes `dir/<prefix><pid>` directories of builds or releases that were killed (their pid is gone). */
export function removeLeftovers(dir, prefix) {
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (e) {
      if (e.code === 'ESRCH') rmSync(join(dir, name), { recursive: true, force: true });
    }
  }
}
