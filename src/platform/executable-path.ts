// Where Docker will find this helper: the docker CLI runs `docker-credential-<name>` from its PATH, so a helper
// that is installed but not on PATH fails every pull with "executable file not found in $PATH".
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

export const EXECUTABLE_NAME = 'docker-credential-ecr';

/** The first executable `name` in `path` (a PATH value); relative entries are skipped, as Docker should. */
export function findOnPath(path: string, name = EXECUTABLE_NAME): string | undefined {
  for (const dir of path.split(':')) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

export type PathStatus =
  | { state: 'found'; where: string }
  /** PATH has a docker-credential-ecr, but not this one (another version, another install). */
  | { state: 'other'; where: string; self: string }
  | { state: 'missing' };

export function pathStatus(path: string, self: string | undefined): PathStatus {
  const where = findOnPath(path);
  if (!where) return { state: 'missing' };
  if (self && !sameFile(where, self)) return { state: 'other', where, self };
  return { state: 'found', where };
}

/** A path as a shell word, so the printed command can be pasted as is. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The command that puts this executable on PATH (`replace`: over another docker-credential-ecr there). */
export function linkCommand(self: string | undefined, replace = false): string {
  return `sudo ln -s${replace ? 'f' : ''} ${self ? shellQuote(self) : '/path/to/docker-credential-ecr'} /usr/local/bin/${EXECUTABLE_NAME}`;
}
