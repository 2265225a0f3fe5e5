// What the release tests share: where `npm run release` leaves the artifacts (dist/release), the reason each
// suite is skipped when they are absent, the version they carry, and the release's own modules (scripts/lib).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = resolve(__dirname, '../..');
export const RELEASE = join(ROOT, 'dist', 'release');
export const ABSENT = existsSync(RELEASE)
  ? false
  : 'dist/release is absent: run `npm run release` to check the release artifacts';
export const version: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

/** A module of scripts/lib (name with its .mjs), typed by the caller. */
export const scriptLib = <T>(name: string): Promise<T> =>
  import(pathToFileURL(join(ROOT, 'scripts', 'lib', name)).href) as Promise<T>;
