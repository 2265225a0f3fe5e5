// Where Docker will find this helper: the docker CLI runs `docker-credential-<name>` from its PATH, so a helper
// that is installed but not on PATH fails every pull with "executable file not found in $PATH".
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { hostOs } from './host-os';
import type { HostOs } from './os-rules';

export const EXECUTABLE_NAME = 'docker-credential-ecr';

/**
 * The first executable `name` in `path` (a PATH value); relative entries are skipped, as Docker should. On
 * Windows the entries are `;`-separated and the name is tried with each of PATHEXT's extensions.
 */
export function findOnPath(
  path: string,
  name = EXECUTABLE_NAME,
  os: HostOs = hostOs,
  env: Readonly<Record<string, string | undefined>> = {},
): string | undefined {
  for (const dir of path.split(os.pathDelimiter)) {
    if (!dir || !os.isAbsolute(dir)) continue;
    for (const file of os.executableNames(env, name)) {
      const candidate = os.joinPath(dir, file);
      try {
        if (!statSync(candidate).isFile()) continue;
        if (os.name === 'posix') accessSync(candidate, constants.X_OK); // Windows has no execute bit
        return candidate;
      } catch {
        // Not here.
      }
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

/** The command that puts this executable on PATH (`replace`: over another docker-credential-ecr there). */
export function linkCommand(self: string | undefined, replace = false): string {
  return hostOs.installCommand(self, EXECUTABLE_NAME, replace);
}
