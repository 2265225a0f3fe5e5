// What the tests of `configure` run it in: a HOME of its own with the helper on PATH and a Docker config, and
// `configure` run in-process with --registry, so no AWS call is made.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInProcess } from '../support/run-cli';
import { tempDir } from '../support/temp';

export const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
export const OTHER = '210987654321.dkr.ecr.us-east-2.amazonaws.com';
export const STORED_AUTH = Buffer.from('someone:a-stored-password-that-must-not-print').toString('base64');

export interface Setup {
  home: string;
  dir: string;
  file: string;
  env: Record<string, string>;
}

/** A HOME with an executable docker-credential-ecr on PATH (so no PATH warning), and DOCKER_CONFIG inside it. */
export function setup(configText?: string): Setup {
  const home = tempDir('dce-configure-');
  const bin = join(home, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'docker-credential-ecr'), '#!/bin/sh\n', { mode: 0o755 });
  const dir = join(home, 'docker');
  const file = join(dir, 'config.json');
  if (configText !== undefined) {
    mkdirSync(dir, { mode: 0o700 });
    writeFileSync(file, configText, { mode: 0o600 });
  }
  return { home, dir, file, env: { HOME: home, DOCKER_CONFIG: dir, PATH: `/nonexistent:${bin}` } };
}

export const configure = (s: Setup, ...args: string[]) => runInProcess(['configure', ...args], { env: s.env });

export function fingerprint(path: string): { ino: number; mtimeMs: number; text: string } {
  const stat = statSync(path);
  return { ino: stat.ino, mtimeMs: stat.mtimeMs, text: readFileSync(path, 'utf8') };
}
