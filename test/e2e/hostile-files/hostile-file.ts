// What the hostile-files tests share (*.test.ts beside this file): the host they ask for, how long a run may take
// before it counts as hung, and how to put a FIFO or a link to /dev/zero where a file is expected.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
/** Well past a hang being noticed, well inside the test runner's patience. */
export const KILL_AFTER_MS = 8_000;

export const mkfifo = (path: string): void => {
  execFileSync('mkfifo', [path]);
};

export function cacheFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => join(dir, name));
}

/** A FIFO or a link to /dev/zero at `path` (made fresh). */
export function hostile(kind: 'fifo' | 'dev-zero', path: string): void {
  rmSync(path, { force: true });
  mkdirSync(dirname(path), { recursive: true });
  if (kind === 'fifo') mkfifo(path);
  else symlinkSync('/dev/zero', path);
}

export const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
