// Installs what the tests need from the operating system (scripts/lib/test-packages.json, the one list), with
// apt-get on Debian or Ubuntu. `npm test` runs this itself when it runs as root and something is missing;
// anywhere else it stops at once and names `sudo node scripts/setup.mjs` (this file), which installs everything.
//
//   node scripts/setup.mjs           install what is missing (root, apt-get); exit 0 when nothing is
//   node scripts/setup.mjs --check   print what is missing and exit 1 if anything is; install nothing
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LIST = new URL('./lib/test-packages.json', import.meta.url);
export const SETUP_COMMAND = 'sudo node scripts/setup.mjs';

function onPath(command, path = process.env.PATH ?? '') {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/**
 * { packages: [...missing Debian packages], what: ['command (package)', ...], architectures: [...foreign ones to
 * add], unavailable: ['command: how to get it', ...] (what no Debian package provides) }
 */
export function missing() {
  const list = JSON.parse(readFileSync(LIST, 'utf8'));
  const what = [];
  const unavailable = Object.entries(list.machine ?? {})
    .filter(([command]) => !onPath(command))
    .map(([command, how]) => `${command}: ${how}`);
  const packages = new Set();
  for (const [command, pkg] of Object.entries(list.commands))
    if (!onPath(command)) (what.push(`${command} (${pkg})`), packages.add(pkg));
  for (const [file, pkg] of Object.entries(list.files))
    if (!existsSync(file)) (what.push(`${file} (${pkg})`), packages.add(pkg));
  const foreign = spawnSync('dpkg', ['--print-foreign-architectures'], { encoding: 'utf8' });
  const have = new Set((foreign.stdout ?? '').split('\n').filter(Boolean));
  const architectures = [...packages].some((p) => p.includes(':'))
    ? list.foreignArchitectures.filter((a) => !have.has(a))
    : [];
  return { packages: [...packages], what, architectures, unavailable };
}

function run(command, args) {
  console.error(`setup: ${command} ${args.join(' ')}`);
  const r = spawnSync(command, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`})`);
}

/** Installs what missing() lists. Throws, naming the reason, where it cannot (not root, no apt-get). */
export function install(need = missing()) {
  if (need.packages.length === 0) return need;
  if (process.getuid?.() !== 0)
    throw new Error(`installing ${need.packages.join(' ')} needs root: run \`${SETUP_COMMAND}\``);
  if (!onPath('apt-get'))
    throw new Error(
      `no apt-get here: install the equivalents of these Debian 12 packages by hand: ${need.packages.join(' ')}`,
    );
  for (const arch of need.architectures) run('dpkg', ['--add-architecture', arch]);
  run('apt-get', ['update', '-qq']);
  // --no-install-recommends: docker.io and podman would otherwise bring services and desktop parts.
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...need.packages]);
  const left = missing();
  if (left.packages.length > 0) throw new Error(`still missing after apt-get install: ${left.what.join(', ')}`);
  return need;
}

// Run as a script, not imported by scripts/test.mjs. Compared as paths, not as URLs: a checkout whose path has a
// space or a non-ASCII letter is percent-encoded in import.meta.url and not in argv.
const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === realpathSync(process.argv[1]);
if (isMain) {
  const need = missing();
  if (process.argv.includes('--check')) {
    const all = [...need.what, ...need.unavailable];
    console.log(all.length ? `missing: ${all.join(', ')}` : 'nothing missing');
    process.exit(all.length ? 1 : 0);
  }
  try {
    install(need);
    console.error(need.packages.length ? `setup: installed ${need.packages.join(' ')}` : 'setup: nothing to install');
    if (need.unavailable.length) throw new Error(`no Debian package provides: ${need.unavailable.join('; ')}`);
  } catch (e) {
    console.error(`setup failed: ${e.message}`);
    process.exit(1);
  }
}
