// What an operating system's rules are (posix.ts and windows.ts are the two sets; host-os.ts picks one). Apart
// from both, so that neither imports the module that imports them.
type Env = Readonly<Record<string, string | undefined>>;

export interface HostOs {
  name: 'posix' | 'windows';
  /** What separates PATH entries. */
  pathDelimiter: string;
  /** The token cache's default directory where the OS has its own convention; undefined: settings.ts decides. */
  defaultCacheDir(env: Env): { dir: string; source: string } | undefined;
  /** Why `dir` must not hold tokens, beyond the POSIX owner and mode checks that cache/store.ts makes itself. */
  cacheDirProblem(dir: string): string | undefined;
  /** rename(2), made to work where another process may have the target open for a moment. */
  replaceFile(from: string, to: string): void;
  /** The docker CLI's config directory when DOCKER_CONFIG is not set. */
  dockerConfigDir(env: Env, home: string | undefined): string | undefined;
  /** Where to show a prompt and read what a person types, whatever stdin and stdout are. */
  terminal: { input: string; output: string };
  /** The file names under which a PATH lookup finds the command `name`. */
  executableNames(env: Env, name: string): string[];
  joinPath(...parts: string[]): string;
  isAbsolute(path: string): boolean;
  /** The command a person types to put this executable on PATH as `name` (replace: over another one). */
  installCommand(self: string | undefined, name: string, replace: boolean): string;
  /** The command that makes a directory private to the person who types it. */
  makePrivateCommand(dir: string): string;
  /** The command that puts a profile's current AWS session into this shell's environment (for an MFA profile). */
  sessionIntoEnvironmentCommand(profile: string | undefined): string;
}
