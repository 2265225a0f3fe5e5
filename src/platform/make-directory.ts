// mkdir -p with mode 0700 at every level it creates. By hand because Node's `recursive: true` spins forever
// where mkdir answers ENOENT for a parent that exists (seen under /proc: a 100% CPU helper, never returning).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export function makeDirectory(dir: string, depth = 0): void {
  if (tryMkdir(dir) !== 'ENOENT') return;
  const parent = dirname(dir);
  if (parent === dir || depth > 64) throw Object.assign(new Error(`cannot create ${dir}`), { code: 'ENOENT' });
  makeDirectory(parent, depth + 1);
  // Another process may create it between our two attempts (parallel helpers sharing a new cache dir).
  if (tryMkdir(dir) === 'ENOENT') throw Object.assign(new Error(`cannot create ${dir}`), { code: 'ENOENT' });
}

/** 'ENOENT' when the parent is missing; created and already-existing are both fine; anything else throws. */
function tryMkdir(dir: string): 'ok' | 'ENOENT' {
  try {
    mkdirSync(dir, { mode: 0o700 });
    return 'ok';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return 'ok';
    if (code === 'ENOENT') return 'ENOENT';
    throw error;
  }
}
