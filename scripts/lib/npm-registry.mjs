// Fetches exact versions of npm packages as tarballs (`npm pack <name>@<version>`, which, unlike an install,
// does not care which platform a package is for) into a cache directory, and refuses any tarball whose SHA-512
// does not match the registry's dist.integrity. The expected integrity comes from package-lock.json when the
// package is in it (so a warm cache works offline), else from `npm view`; a tarball that has to be downloaded
// is also checked against `npm view`, so the lock file and the registry must agree.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BuildError, fail, root } from '../compile.mjs';

/** `npm pack`'s file name for a package: @scope/name@1.2.3 -> scope-name-1.2.3.tgz. */
export const packFileName = (name, version) => `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;

/** The integrity package-lock.json records for name@version, or undefined. */
export function lockIntegrity(name, version, lockPath = join(root, 'package-lock.json')) {
  if (!existsSync(lockPath)) return undefined;
  const entry = JSON.parse(readFileSync(lockPath, 'utf8')).packages?.[`node_modules/${name}`];
  return entry?.version === version ? entry.integrity : undefined;
}

/** Runs npm without blocking the event loop; resolves with its stdout or rejects with a BuildError. */
export function npm(args, { cwd = root, timeoutMs = 300_000 } = {}) {
  return new Promise((done, reject) => {
    const child = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', (e) => reject(new BuildError(`cannot run npm ${args[0]}: ${e.message}`)));
    child.on('close', (status, signal) => {
      if (status === 0) done(stdout);
      else
        reject(
          new BuildError(
            `npm ${args.join(' ')} failed (${signal ?? `exit ${status}`}):\n${`${stderr}${stdout}`.trim().split('\n').slice(-15).join('\n')}`,
          ),
        );
    });
  });
}

/** The registry's dist.integrity for name@version (an exact version). */
export async function registryIntegrity(name, version) {
  const out = (await npm(['view', `${name}@${version}`, 'dist.integrity', '--json'])).trim();
  const value = out ? JSON.parse(out) : undefined;
  if (typeof value !== 'string' || !value.startsWith('sha512-'))
    fail(`the registry gives no sha512 integrity for ${name}@${version} (got ${out || 'nothing'})`);
  return value;
}

/** SHA-512 of a file as an SRI string (sha512-<base64>), streamed. */
export function fileIntegrity(path) {
  return new Promise((done, reject) => {
    const hash = createHash('sha512');
    createReadStream(path)
      .on('data', (c) => hash.update(c))
      .on('error', reject)
      .on('end', () => done(`sha512-${hash.digest('base64')}`));
  });
}

/** Whether an SRI string (possibly several space-separated hashes) contains this sha512 value. */
export function integrityMatches(expected, actualSha512) {
  const wanted = expected.split(/\s+/).filter((h) => h.startsWith('sha512-'));
  if (wanted.length === 0) fail(`integrity ${expected} has no sha512 hash to check against`);
  return wanted.some((h) => h.split('?')[0] === actualSha512);
}

/**
 * Makes sure cacheDir holds a verified tarball of each package ({ name, version, integrity? }) and returns
 * [{ name, version, path, integrity, fetched }] in the same order. Tarballs already in the cache are re-hashed
 * every time; a mismatching one is deleted and fetched again. Downloads go to a private directory first and
 * are renamed into the cache only once verified.
 */
export async function ensureTarballs(packages, cacheDir, { log = () => {} } = {}) {
  mkdirSync(cacheDir, { recursive: true });
  const entries = packages.map((p) => {
    const integrity = p.integrity ?? lockIntegrity(p.name, p.version);
    return {
      ...p,
      path: join(cacheDir, packFileName(p.name, p.version)),
      integrity,
      source: p.integrity ? 'the pinned integrity' : integrity ? 'package-lock.json' : 'the registry',
      fetched: false,
    };
  });
  const missing = [];
  await Promise.all(
    entries.map(async (e) => {
      if (!existsSync(e.path)) return void missing.push(e);
      e.integrity ??= await registryIntegrity(e.name, e.version);
      if (integrityMatches(e.integrity, await fileIntegrity(e.path))) return;
      log(`${e.path}: does not match ${e.integrity}; fetching it again`);
      rmSync(e.path, { force: true });
      missing.push(e);
    }),
  );
  if (missing.length === 0) return entries;

  const partial = join(cacheDir, `.partial-${process.pid}`);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial);
  try {
    const specs = missing.map((e) => `${e.name}@${e.version}`);
    log(`fetching ${specs.join(', ')}`);
    const [, registry] = await Promise.all([
      npm(['pack', ...specs, '--pack-destination', partial, '--ignore-scripts', '--json', '--loglevel=error']),
      Promise.all(missing.map((e) => registryIntegrity(e.name, e.version))),
    ]);
    for (const [i, e] of missing.entries()) {
      if (e.integrity && e.integrity !== registry[i])
        fail(`${e.name}@${e.version}: ${e.source} says ${e.integrity}, the registry says ${registry[i]}`);
      e.integrity = registry[i];
      const downloaded = join(partial, packFileName(e.name, e.version));
      if (!existsSync(downloaded)) fail(`npm pack ${e.name}@${e.version} wrote no ${packFileName(e.name, e.version)}`);
      const actual = await fileIntegrity(downloaded);
      if (!integrityMatches(e.integrity, actual))
        fail(`${e.name}@${e.version}: the downloaded tarball hashes to ${actual}, the registry says ${e.integrity}`);
      renameSync(downloaded, e.path);
      e.fetched = true;
    }
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return entries;
}
