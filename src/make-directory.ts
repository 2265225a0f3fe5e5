// mkdir -p with mode 0700 at every level it creates. By hand because Node's `recursive: true` spins forever
// where mkdir answers ENOENT for a parent that exists (seen under /proc: a 100% CPU helper, never returning).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export function makeDirectory(dir: string, depth = 0): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir || depth > 64) throw error;
    makeDirectory(parent, depth + 1);
    mkdirSync(dir, { mode: 0o700 });
  }
}
