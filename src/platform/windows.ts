// What the helper does differently on Windows, in one place (src/platform/host-os.ts picks this or posix.ts).
// Written with path.win32 and an env passed in, so the rules are tested on any OS (test/platform/windows.test.ts)
// and run for real under Wine (test/release/windows.test.ts).
import { lstatSync, renameSync } from 'node:fs';
import { win32 } from 'node:path';
import type { HostOs } from './os-rules';

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value === '' ? undefined : value;

/** %USERPROFILE%: Docker's home on Windows (Go's os.UserHomeDir), whatever HOME a Git Bash or MSYS shell sets. */
const userProfile = (env: Readonly<Record<string, string | undefined>>): string | undefined =>
  nonEmpty(env.USERPROFILE);

/** Errors with which Windows refuses a rename onto a file that another process has open at that moment. */
const SHARING = new Set(['EPERM', 'EACCES', 'EBUSY']);
const RENAME_TRIES = 20;

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export const windowsOs: HostOs = {
  name: 'windows',
  pathDelimiter: ';',

  /**
   * %LOCALAPPDATA%\docker-credential-ecr (Go's os.UserCacheDir on Windows; not roamed between machines, unlike
   * %APPDATA%). XDG_CACHE_HOME is a Unix convention that Git Bash users sometimes export; it is ignored here,
   * as Go ignores it on Windows.
   */
  defaultCacheDir(env) {
    const local = nonEmpty(env.LOCALAPPDATA);
    if (local) return { dir: win32.join(local, 'docker-credential-ecr'), source: '%LOCALAPPDATA%' };
    const profile = userProfile(env);
    if (profile)
      return {
        dir: win32.join(profile, 'AppData', 'Local', 'docker-credential-ecr'),
        source: '%USERPROFILE%\\AppData\\Local (no LOCALAPPDATA)',
      };
    return undefined;
  },

  /**
   * POSIX permission bits mean nothing on Windows: Bun reports 0666 for every directory, even after chmod 0700,
   * and process.getuid does not exist. What protects the cache is the ACL that %LOCALAPPDATA% passes on to
   * what is created in it (the user, SYSTEM and Administrators only). The helper cannot read ACLs without a
   * native call, so it checks what it can: the directory is a real directory, not a junction or symbolic link
   * that someone planted to send tokens elsewhere. A directory named by AWS_ECR_CACHE_DIR is trusted to be
   * private (docs/cache.md).
   */
  cacheDirProblem(dir) {
    const stat = lstatSync(dir);
    if (stat.isSymbolicLink()) return `is a junction or symbolic link`;
    if (!stat.isDirectory()) return 'is not a directory';
    return undefined;
  },

  /**
   * Windows refuses a rename onto a file that another process holds open without FILE_SHARE_DELETE (an
   * antivirus scanner, a backup agent, a reader in a runtime that opens files without it). That is a moment,
   * not a state: retry for up to about a second, then report the error as a failed write.
   */
  replaceFile(from, to) {
    for (let attempt = 1; ; attempt++) {
      try {
        renameSync(from, to);
        return;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? '';
        if (!SHARING.has(code) || attempt >= RENAME_TRIES) throw error;
        pause(Math.min(100, 5 * attempt));
      }
    }
  },

  /** %USERPROFILE%\.docker, as the docker CLI and Docker Desktop read it on Windows. */
  dockerConfigDir(env, home) {
    return win32.join(userProfile(env) ?? home ?? 'C:\\Users\\Default', '.docker');
  },

  /** The console, whatever stdin and stdout are: CONIN$ to read the MFA code, CONOUT$ to show the prompt. */
  terminal: { input: '\\\\.\\CONIN$', output: '\\\\.\\CONOUT$' },

  /** PATHEXT's first match of the name in each PATH entry; Docker's Go exec.LookPath does the same. */
  executableNames(env, name) {
    const extensions = (nonEmpty(env.PATHEXT) ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean);
    return extensions.map((ext) => `${name}${ext.toLowerCase()}`);
  },

  joinPath: (...parts) => win32.join(...parts),
  isAbsolute: (path) => win32.isAbsolute(path),

  /**
   * WindowsApps under %LOCALAPPDATA% is on every user's PATH by default (Windows 10 and later) and needs no
   * administrator, unlike /usr/local/bin's counterpart; `copy /Y` replaces another version there.
   */
  installCommand(self, name, _replace) {
    const source = self ? `"${self}"` : 'docker-credential-ecr.exe';
    return `copy /Y ${source} "%LOCALAPPDATA%\\Microsoft\\WindowsApps\\${name}.exe"`;
  },

  /** PowerShell, the shell Windows opens by default; the AWS CLI prints a script for it. */
  sessionIntoEnvironmentCommand(profile) {
    return `aws configure export-credentials${profile ? ` --profile ${profile}` : ''} --format powershell | Invoke-Expression`;
  },

  makePrivateCommand(dir) {
    // Removes inherited entries and grants the current user alone full control (what 0700 says on Unix).
    return `icacls "${dir}" /inheritance:r /grant:r "%USERNAME%:(OI)(CI)F"`;
  },
};
