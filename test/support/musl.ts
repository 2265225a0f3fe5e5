// Runs Bun's musl executables on Debian. They need musl's loader and libc (Debian packages musl and
// musl:arm64 have them) and a libstdc++.so.6 built for musl, which Debian does not ship and no package registry
// reachable here serves. So this makes one: the C++ runtime symbols the executable imports, taken from Debian's
// own GCC 12 static libstdc++.a and libgcc_eh.a (g++, g++-aarch64-linux-gnu), linked into a shared library
// against musl, with the few glibc-only symbols those archives use supplied by musl/glibc-compat.c.
//
// What this shows and what it does not: the executable Bun built for musl starts, runs its JavaScript and its
// JIT, does TLS-free HTTP to 127.0.0.1, and reads and writes the cache, on musl. It does not show that Alpine's
// libstdc++ (GCC 13 or 14, built for musl) is the same: that is the same C++ ABI, but not the same file; the
// release workflow runs the same smoke test on Alpine itself.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findOnPath } from './tools';

const ROOT = resolve(__dirname, '../..');
const CACHE = join(ROOT, 'node_modules', '.cache', 'docker-credential-ecr-musl');
const COMPAT = join(__dirname, 'musl', 'glibc-compat.c');

interface Arch {
  loader: string;
  muslLib: string;
  gcc: string;
  gxx: string;
  nm: string;
  readelf: string;
  gccLib: string;
  packages: string;
}

const ARCHES: Record<'amd64' | 'arm64', Arch> = {
  amd64: {
    loader: '/lib/ld-musl-x86_64.so.1',
    muslLib: '/usr/lib/x86_64-linux-musl',
    gcc: 'gcc',
    gxx: 'g++',
    nm: 'nm',
    readelf: 'readelf',
    gccLib: '/usr/lib/gcc/x86_64-linux-gnu/12',
    packages: 'musl musl-dev g++',
  },
  arm64: {
    loader: '/lib/ld-musl-aarch64.so.1',
    muslLib: '/usr/lib/aarch64-linux-musl',
    gcc: 'aarch64-linux-gnu-gcc',
    gxx: 'aarch64-linux-gnu-g++',
    nm: 'aarch64-linux-gnu-nm',
    readelf: 'aarch64-linux-gnu-readelf',
    gccLib: '/usr/lib/gcc-cross/aarch64-linux-gnu/12',
    packages: 'musl:arm64 musl-dev:arm64 g++-aarch64-linux-gnu',
  },
};

const run = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });

/**
 * The directory holding a libstdc++.so.6 for `exe` (made once per executable and cached), or a message saying
 * what is missing. Symbols: what the executable imports and musl's libc lacks, plus what it copy-relocates.
 */
export function muslLibraryDir(arch: 'amd64' | 'arm64', exe: string): { dir: string; loader: string } | string {
  const a = ARCHES[arch];
  const missing = [a.loader, join(a.muslLib, 'crti.o'), join(a.gccLib, 'libstdc++.a')].filter((p) => !existsSync(p));
  if (missing.length > 0 || !findOnPath(a.gxx) || !findOnPath(a.nm))
    return `missing ${[...missing, a.gxx].join(', ')}: apt-get install --no-install-recommends ${a.packages} (npm test's set-up does this as root)`;
  const stamp = `${statSync(exe).size}-${Math.round(statSync(exe).mtimeMs)}-${statSync(COMPAT).mtimeMs}`;
  const dir = join(CACHE, arch);
  if (
    existsSync(join(dir, 'libstdc++.so.6')) &&
    existsSync(join(dir, 'stamp')) &&
    readFileSync(join(dir, 'stamp'), 'utf8') === stamp
  )
    return { dir, loader: a.loader };

  const imported = run(a.nm, ['-D', '--undefined-only', exe])
    .split('\n')
    .map((l) => l.trim().split(/\s+/).at(-1)!.replace(/@.*/, ''))
    .filter(Boolean);
  const copied = run(a.readelf, ['-rW', exe])
    .split('\n')
    .filter((l) => l.includes('_COPY'))
    .map((l) => l.trim().split(/\s+/)[4])
    .filter(Boolean);
  const inLibc = new Set(
    run(a.nm, ['-D', '--defined-only', join(a.muslLib, 'libc.so')])
      .split('\n')
      .map((l) => l.trim().split(/\s+/).at(-1)!),
  );
  const inCxx = new Set(
    run(a.nm, ['--defined-only', join(a.gccLib, 'libstdc++.a'), join(a.gccLib, 'libgcc_eh.a')])
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f.length === 3 && /[TDRBVWu]/.test(f[1]))
      .map((f) => f[2]),
  );
  const wanted = [...new Set([...imported, ...copied])].filter((s) => !inLibc.has(s) && inCxx.has(s)).sort();

  const building = join(CACHE, `.building-${process.pid}`);
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  try {
    run(a.gcc, ['-c', '-fPIC', '-O2', '-ffreestanding', '-o', join(building, 'glibc-compat.o'), COMPAT]);
    run(a.gxx, [
      '-shared',
      '-nostdlib',
      '-o',
      join(building, 'libstdc++.so.6'),
      '-Wl,-soname,libstdc++.so.6',
      '-Wl,--no-undefined',
      join(a.muslLib, 'crti.o'),
      join(a.gccLib, 'crtbeginS.o'),
      join(building, 'glibc-compat.o'),
      ...wanted.map((s) => `-Wl,-u,${s}`),
      '-Wl,--start-group',
      join(a.gccLib, 'libstdc++.a'),
      join(a.gccLib, 'libgcc_eh.a'),
      join(a.gccLib, 'libgcc.a'),
      '-Wl,--end-group',
      `-L${a.muslLib}`,
      '-lc',
      join(a.gccLib, 'crtendS.o'),
      join(a.muslLib, 'crtn.o'),
    ]);
    writeFileSync(join(building, 'symbols.txt'), `${wanted.join('\n')}\n`);
    writeFileSync(join(building, 'stamp'), stamp);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(CACHE, { recursive: true });
    renameSync(building, dir);
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return { dir, loader: a.loader };
}
