// Linux and macOS: the rules the rest of the source was written for. See windows.ts for what differs there.
import { renameSync } from 'node:fs';
import { posix as paths } from 'node:path';
import type { HostOs } from './os-rules';

/** A path as a shell word, so that a printed command can be pasted as is. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export const posixOs: HostOs = {
  name: 'posix',
  pathDelimiter: ':',
  // ~/.cache or XDG_CACHE_HOME, chosen in settings.ts.
  defaultCacheDir: () => undefined,
  // The owner and mode checks in cache/store.ts apply.
  cacheDirProblem: () => undefined,
  replaceFile: (from, to) => renameSync(from, to),
  dockerConfigDir: (_env, home) => (home ? paths.join(home, '.docker') : undefined),
  terminal: { input: '/dev/tty', output: '/dev/tty' },
  executableNames: (_env, name) => [name],
  joinPath: (...parts) => paths.join(...parts),
  isAbsolute: (path) => paths.isAbsolute(path),
  installCommand: (self, name, replace) =>
    `sudo ln -s${replace ? 'f' : ''} ${self ? shellQuote(self) : `/path/to/${name}`} /usr/local/bin/${name}`,
  makePrivateCommand: (dir) => `chmod 700 ${shellQuote(dir)}`,
  sessionIntoEnvironmentCommand: (profile) =>
    `eval "$(aws configure export-credentials${profile ? ` --profile ${profile}` : ''} --format env)"`,
};
