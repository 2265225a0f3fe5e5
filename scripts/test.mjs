// Runs every test/**/*.test.ts with Node's own test runner (tsx compiles TypeScript on the fly).
// Node 20's --test cannot glob, so the files are listed here.
//
// First the set-up: what the tests need from the operating system (scripts/lib/test-packages.json) is
// installed when it is missing and this runs as root with apt-get (scripts/setup.mjs); anywhere else the run
// stops at once, naming the one command that installs everything. A filtered run (`node scripts/test.mjs
// wine`) does the same: the list is short and a missing tool would fail a test anyway.
//
// `--unit` (npm run test:unit) runs only the fast tier: the tests that need neither the built executable nor
// anything from the operating system, so no build and no set-up. A test is in it unless it lives under
// test/e2e, test/release, test/docs or test/scripts, or imports one of the end-to-end supports (the built
// executable, real tools, a registry, Wine, musl, the fake engine or kube API): decided from the file itself,
// so a new test needs no list.
//
// Every command the README and docs show must be run by a test (CONTRIBUTING.md, "Commands in the docs"). The tests
// run them through test/support/doc-run.ts, which appends what ran to files in DOC_COMMANDS_LOG, a directory made
// here for this run (test files run in separate processes; one file per process, appended). After the run, when
// it included every test file that imports doc-run (decided from the files, as the unit tier is), the check
// test/docs/doc-coverage-check.ts compares that log with the docs and fails the run, naming file and line, for a
// command no test ran. A filtered run that left one of those files out does not check: it cannot know.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { SETUP_COMMAND, install, missing } from './setup.mjs';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return find(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const unit = process.argv.includes('--unit');
const filters = process.argv.slice(2).filter((a) => a !== '--unit');
const END_TO_END_DIRS = /^test[\\/](e2e|release|docs|scripts)[\\/]/;
const END_TO_END_SUPPORT =
  /support\/(executable|tools|helper-bin|registry|wine|musl|fake-docker-engine|pass-store|fake-kube-api)'/;
const isUnit = (file) => !END_TO_END_DIRS.test(file) && !END_TO_END_SUPPORT.test(readFileSync(file, 'utf8'));
const files = find('test')
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .filter((f) => !unit || isUnit(f))
  .sort();
// No --test-force-exit: with it, Node 20 sometimes drops the end of a test file's report when it ends the file's
// process (test/registry/host.test.ts: 47, 53 or 63 of its 63 tests counted, each run passing), so a run could pass
// without having counted every test. A test file whose process stays alive after its last test (a server a failing
// test did not close; seen in a fresh chroot) is caught by the watchdog instead: no output for QUIET_MS ends the run,
// failed, saying so.
const QUIET_MS = 15 * 60 * 1000;
const runTests = (env = process.env) =>
  new Promise((done) => {
    const reporter = process.stdout.isTTY ? ['--test-reporter=spec', '--test-reporter-destination=stdout'] : [];
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-concurrency=2', ...reporter, ...files],
      { stdio: ['inherit', 'pipe', 'inherit'], env, detached: true },
    );
    let quiet;
    const watch = () => {
      clearTimeout(quiet);
      quiet = setTimeout(() => {
        console.error(
          `npm test: no test reported anything for ${QUIET_MS / 60_000} minutes: a test file is keeping the run waiting (a server or a process a test left running); ended, failed`,
        );
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      }, QUIET_MS);
    };
    watch();
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      watch();
    });
    child.on('close', (code, signal) => {
      clearTimeout(quiet);
      done(signal ? 1 : (code ?? 1));
    });
  });
if (unit) process.exit(await runTestsAndCheckDocs());

/** Runs the tests, then the doc command check when this run can judge it. */
async function runTestsAndCheckDocs() {
  const runsDocCommands = find('test').filter((f) => /support\/doc-run'/.test(readFileSync(f, 'utf8')));
  const left = runsDocCommands.filter((f) => !files.includes(f));
  const log = mkdtempSync(join(tmpdir(), 'dce-doc-commands-'));
  try {
    const status = await runTests({ ...process.env, DOC_COMMANDS_LOG: log });
    if (left.length === runsDocCommands.length) return status;
    if (left.length > 0) {
      console.log(
        `doc commands: not checked (this run left out ${left.length} of the ${runsDocCommands.length} test files that run them)`,
      );
      return status;
    }
    const check =
      spawnSync(process.execPath, ['--import', 'tsx', 'test/docs/doc-coverage-check.ts', log], { stdio: 'inherit' })
        .status ?? 1;
    return status !== 0 ? status : check;
  } finally {
    rmSync(log, { recursive: true, force: true });
  }
}
if (!existsSync('dist/docker-credential-ecr')) {
  console.error(
    'dist/docker-credential-ecr is missing: run `npm run build` first (the end-to-end tests run the built executable).',
  );
  process.exit(1);
}
const need = missing();
const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
if (need.packages.length > 0 && !canInstall) {
  console.error(`npm test needs what this machine lacks: ${need.what.join(', ')}.`);
  if (need.unavailable.length > 0)
    console.error(`It also needs what no Debian package provides: ${need.unavailable.join('; ')}.`);
  console.error(`Install everything the tests need with: ${SETUP_COMMAND}`);
  process.exit(1);
}
if (need.unavailable.length > 0) {
  console.error(`npm test needs what no Debian package provides: ${need.unavailable.join('; ')}`);
  process.exit(1);
}
if (need.packages.length > 0) {
  console.error(`npm test: installing what the tests need: ${need.packages.join(' ')}`);
  try {
    install(need);
  } catch (e) {
    console.error(`npm test: the set-up failed: ${e.message}`);
    process.exit(1);
  }
}
process.exit(await runTestsAndCheckDocs());
