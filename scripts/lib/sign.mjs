// The detached signature of checksums.txt: minisign (Ed25519; one small tool on every platform, in Debian,
// Homebrew, Scoop and winget; the signature file is two lines). GPG is kept for what apt and rpm require.
//   DCE_MINISIGN_SECRET_KEY=/path/minisign.key   the release key (the workflow writes it from a secret);
//   DCE_MINISIGN_PASSWORD                          its password, if it has one (fed on stdin, never an argument).
// Without a key a throwaway key pair is made in dist/release-key/ (outside dist/release, so it cannot be
// published by mistake) and the release says so: enough for the tests to verify the signature end to end.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fail, root } from '../compile.mjs';
import { SIGNATURE } from './targets.mjs';

export const THROWAWAY_KEY_DIR = join(root, 'dist', 'release-key');

function minisign(args, input = '') {
  const r = spawnSync('minisign', args, { input, encoding: 'utf8', timeout: 60_000 });
  if (r.error || r.status !== 0)
    fail(`minisign ${args.join(' ')} failed: ${r.error?.message ?? `${r.stdout}${r.stderr}`.trim()}`);
  return r.stdout;
}

/** A key pair without a password in dir: { secretKey, publicKey } paths. */
export function makeKeyPair(dir) {
  mkdirSync(dir, { recursive: true });
  const secretKey = join(dir, 'minisign.key');
  const publicKey = join(dir, 'minisign.pub');
  rmSync(secretKey, { force: true });
  rmSync(publicKey, { force: true });
  minisign(['-G', '-W', '-p', publicKey, '-s', secretKey]);
  return { secretKey, publicKey };
}

/** Signs outDir/checksums.txt into outDir/checksums.txt.minisig; returns { throwaway, publicKey? }. */
export function signChecksums(outDir, version) {
  let secretKey = process.env.DCE_MINISIGN_SECRET_KEY;
  let throwaway;
  if (!secretKey) {
    throwaway = makeKeyPair(THROWAWAY_KEY_DIR);
    secretKey = throwaway.secretKey;
  } else if (!existsSync(secretKey)) fail(`DCE_MINISIGN_SECRET_KEY=${secretKey}: no such file`);
  const password = process.env.DCE_MINISIGN_PASSWORD;
  minisign(
    [
      '-S',
      '-s',
      secretKey,
      '-m',
      join(outDir, 'checksums.txt'),
      '-x',
      join(outDir, SIGNATURE),
      '-t',
      `docker-credential-ecr ${version} checksums.txt`,
    ],
    password ? `${password}\n` : '',
  );
  return { throwaway: Boolean(throwaway), publicKey: throwaway?.publicKey };
}

/** minisign -V: the status and output (for the tests). */
export function verifySignature(file, publicKey) {
  const r = spawnSync('minisign', ['-V', '-m', file, '-x', `${file}.minisig`, '-p', publicKey], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}
