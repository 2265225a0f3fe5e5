// Runs Windows executables here with Debian's Wine 8.0 (package wine64), as /work/shared/reference/windows.md
// describes: a prefix made once with wineboot and kept as a template in node_modules/.cache, plus a stand-in
// for bcryptprimitives.dll (test/support/wine/bcryptprimitives.c, built with Debian's mingw-w64), which Wine 8
// lacks and Bun's runtime needs. Each test gets its own prefix: Wine sets USERPROFILE and LOCALAPPDATA from the
// prefix whatever the environment says, so a prefix is the unit of isolation. A prefix is a hard-linked copy of
// the template (0.05 s instead of 4 s for 700 MB), except the files Wine or the helper write: the registry
// (*.reg) and the users' profiles are copied for real.
//
// One wineserver per prefix is started persistent (-p) and warmed with `wineboot`, its streams on /dev/null:
// otherwise Wine's first process forks services that inherit the test's pipes, and a test that waits for
// the child's output to close waits for those services instead (seconds, or for ever).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findOnPath } from './tools';

const ROOT = resolve(__dirname, '../..');
const CACHE = join(ROOT, 'node_modules', '.cache', 'docker-credential-ecr-wine');
const DLL_SOURCE = join(__dirname, 'wine', 'bcryptprimitives.c');

/** What running a Windows executable here needs, and the Debian package of each (the test set-up installs them). */
export const WINE_PACKAGES = { wine64: 'wine64', 'x86_64-w64-mingw32-gcc': 'gcc-mingw-w64-x86-64-win32' } as const;

export interface WineTools {
  wine: string;
  wineserver: string;
  gcc: string;
}

/** The tools, or a message naming the packages that are missing. */
export function wineTools(): WineTools | string {
  const wine = ['/usr/lib/wine/wine64'].find((p) => existsSync(p)) ?? findOnPath('wine64');
  const wineserver =
    ['/usr/lib/wine/wineserver64', '/usr/lib/wine/wineserver'].find((p) => existsSync(p)) ?? findOnPath('wineserver');
  const gcc = findOnPath('x86_64-w64-mingw32-gcc');
  const missing = [
    !(wine && wineserver) && WINE_PACKAGES.wine64,
    !gcc && WINE_PACKAGES['x86_64-w64-mingw32-gcc'],
  ].filter(Boolean);
  if (missing.length > 0 || !wine || !wineserver || !gcc)
    return `Wine and the mingw-w64 cross compiler are needed to run the Windows executable: apt-get install --no-install-recommends ${missing.join(' ')} (npm test's set-up does this as root)`;
  return { wine, wineserver, gcc };
}

/** Wine's environment for a prefix: no debug chatter, no Mono or Gecko install prompts, no display. */
export function wineEnv(prefix: string): Record<string, string> {
  return { WINEPREFIX: prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=', WINEARCH: 'win64' };
}

// All three streams on /dev/null: wineserver -p and the services wineboot starts outlive the command, and a
// pipe they inherit would keep the caller waiting for them.
const quiet = { stdio: 'ignore' as const, timeout: 180_000 };

/** The template prefix (made on first use, about 10 s): wineboot'ed, with the bcryptprimitives.dll stand-in. */
export function templatePrefix(tools: WineTools): string {
  const version = spawnSync(tools.wine, ['--version'], { encoding: 'utf8' }).stdout.trim() || 'wine';
  const template = join(CACHE, `${version.replace(/[^\w.-]/g, '_')}-template`);
  const dll = join(template, 'drive_c', 'windows', 'system32', 'bcryptprimitives.dll');
  if (existsSync(dll) && statSync(dll).mtimeMs >= statSync(DLL_SOURCE).mtimeMs) return template;
  mkdirSync(CACHE, { recursive: true });
  const building = join(CACHE, `.building-${process.pid}`);
  rmSync(building, { recursive: true, force: true });
  const env = { ...process.env, ...wineEnv(building) };
  try {
    execFileSync(tools.wine, ['wineboot', '--init'], { ...quiet, env });
    execFileSync(tools.wineserver, ['-w'], { ...quiet, env });
    execFileSync(
      tools.gcc,
      [
        '-shared',
        '-O2',
        '-s',
        '-nostdlib',
        '-Wl,--entry=0',
        '-o',
        join(building, 'drive_c', 'windows', 'system32', 'bcryptprimitives.dll'),
        DLL_SOURCE,
        '-ladvapi32',
      ],
      quiet,
    );
    rmSync(template, { recursive: true, force: true });
    renameSync(building, template);
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return template;
}

export interface WinePrefix {
  prefix: string;
  /** The Windows user's profile directory as seen from Linux (C:\users\<user>). */
  profile: string;
  /** The command prefix for spawning an executable: [wine64]. */
  command: string[];
  env: Record<string, string>;
  /** Stops this prefix's wineserver (and every process in it) and removes the prefix. */
  close(): void;
}

/** A fresh prefix under `dir` with a warm wineserver. */
export function openPrefix(tools: WineTools, dir: string): WinePrefix {
  const template = templatePrefix(tools);
  const prefix = join(dir, 'wine-prefix');
  linkPrefix(template, prefix);
  const env = { ...wineEnv(prefix), PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir };
  execFileSync(tools.wineserver, ['-p'], { ...quiet, env });
  execFileSync(tools.wine, ['wineboot'], { ...quiet, env });
  const users = join(prefix, 'drive_c', 'users');
  const user = readdirSync(users).find((name) => name !== 'Public') ?? 'root';
  return {
    prefix,
    profile: join(users, user),
    command: [tools.wine],
    env,
    close() {
      spawnSync(tools.wineserver, ['-k'], { ...quiet, env });
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

/**
 * Hard links for the template's read-only bulk; real copies of what Wine and the helper write. Where the temporary
 * directory is on another filesystem than the template (a tmpfs /tmp, a clone on another disk), hard links are
 * impossible (EXDEV) and the whole prefix is copied instead: slower, same result.
 */
export function linkPrefix(template: string, prefix: string): void {
  const linked = spawnSync('cp', ['-al', template, prefix], quiet);
  if (linked.status !== 0) {
    rmSync(prefix, { recursive: true, force: true });
    execFileSync('cp', ['-a', template, prefix], quiet);
    return;
  }
  for (const name of readdirSync(prefix)) {
    if (!name.endsWith('.reg')) continue;
    rmSync(join(prefix, name)); // a copy over the link would write through it into the template
    cpSync(join(template, name), join(prefix, name));
  }
  const users = join(prefix, 'drive_c', 'users');
  rmSync(users, { recursive: true, force: true });
  cpSync(join(template, 'drive_c', 'users'), users, { recursive: true, verbatimSymlinks: true });
}
