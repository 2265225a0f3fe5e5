// The Windows rules (src/platform/windows.ts), checked here under Node on any OS with Windows-shaped
// environments; test/release/windows.test.ts runs them for real in the Windows executable under Wine. What Wine
// cannot show is shown here: Wine sets USERPROFILE and LOCALAPPDATA itself and drops HOME.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { windowsOs } from '../../src/platform/windows';
import { posixOs } from '../../src/platform/posix';
import { findOnPath } from '../../src/platform/executable-path';
import { tempDir } from '../support/temp';

const WINDOWS_ENV = {
  USERPROFILE: 'C:\\Users\\ana',
  LOCALAPPDATA: 'C:\\Users\\ana\\AppData\\Local',
  HOME: '/c/Users/ana',
  XDG_CACHE_HOME: '/c/Users/ana/.cache',
};

test('the cache is under %LOCALAPPDATA%; XDG_CACHE_HOME (a Git Bash habit) is not a Windows convention', () => {
  assert.deepEqual(windowsOs.defaultCacheDir(WINDOWS_ENV), {
    dir: 'C:\\Users\\ana\\AppData\\Local\\docker-credential-ecr',
    source: '%LOCALAPPDATA%',
  });
  assert.equal(
    windowsOs.defaultCacheDir({ USERPROFILE: 'C:\\Users\\ana' })?.dir,
    'C:\\Users\\ana\\AppData\\Local\\docker-credential-ecr',
  );
  assert.equal(windowsOs.defaultCacheDir({ LOCALAPPDATA: '' }), undefined);
  assert.equal(
    posixOs.defaultCacheDir(WINDOWS_ENV),
    undefined,
    'POSIX: settings.ts decides (XDG_CACHE_HOME, ~/.cache)',
  );
});

test("Docker's config is %USERPROFILE%\\.docker, whatever HOME an MSYS shell sets; the SYSTEM account's profile when that is the user", () => {
  assert.equal(windowsOs.dockerConfigDir(WINDOWS_ENV, '/c/Users/ana'), 'C:\\Users\\ana\\.docker');
  // A service running as SYSTEM (Docker's own, a CI agent) has this profile; Docker reads its config there.
  assert.equal(
    windowsOs.dockerConfigDir({ USERPROFILE: 'C:\\Windows\\system32\\config\\systemprofile' }, undefined),
    'C:\\Windows\\system32\\config\\systemprofile\\.docker',
  );
  assert.equal(posixOs.dockerConfigDir({}, '/home/ana'), '/home/ana/.docker');
});

test('the console for the MFA prompt is CONIN$ and CONOUT$, not /dev/tty; without one, the way out is a PowerShell line', () => {
  assert.deepEqual(windowsOs.terminal, { input: '\\\\.\\CONIN$', output: '\\\\.\\CONOUT$' });
  assert.deepEqual(posixOs.terminal, { input: '/dev/tty', output: '/dev/tty' });
  assert.equal(
    windowsOs.sessionIntoEnvironmentCommand('dev'),
    'aws configure export-credentials --profile dev --format powershell | Invoke-Expression',
  );
  assert.equal(
    posixOs.sessionIntoEnvironmentCommand(undefined),
    'eval "$(aws configure export-credentials --format env)"',
  );
});

test('fixes are Windows commands: copy into WindowsApps (on PATH, no administrator), icacls for a private directory', () => {
  const copy = windowsOs.installCommand(
    'C:\\Tools\\docker-credential-ecr-v0.1.0.windows-amd64.exe',
    'docker-credential-ecr',
    false,
  );
  assert.equal(
    copy,
    'copy /Y "C:\\Tools\\docker-credential-ecr-v0.1.0.windows-amd64.exe" "%LOCALAPPDATA%\\Microsoft\\WindowsApps\\docker-credential-ecr.exe"',
  );
  assert.doesNotMatch(copy, /sudo|ln -s/);
  assert.match(
    windowsOs.makePrivateCommand('C:\\cache dir'),
    /^icacls "C:\\cache dir" \/inheritance:r \/grant:r "%USERNAME%:\(OI\)\(CI\)F"$/,
  );
  assert.equal(posixOs.makePrivateCommand('/tmp/a b'), "chmod 700 '/tmp/a b'");
});

test("PATH lookup on Windows: ';' between entries, PATHEXT's extensions, no execute bit", () => {
  // Node on Linux cannot make Windows paths; the lookup is the same with POSIX paths and Windows' separators.
  const root = tempDir();
  const a = join(root, 'a');
  const b = join(root, 'b');
  mkdirSync(a);
  mkdirSync(b);
  writeFileSync(join(b, 'docker-credential-ecr.exe'), 'MZ', { mode: 0o644 });
  const os = {
    ...windowsOs,
    joinPath: (...parts: string[]) => join(...parts),
    isAbsolute: (p: string) => p.startsWith('/'),
  };
  assert.equal(
    findOnPath(`relative;${a};${b}`, 'docker-credential-ecr', os, { PATHEXT: '.COM;.EXE;.BAT' }),
    join(b, 'docker-credential-ecr.exe'),
  );
  assert.equal(
    findOnPath(`${a}:${b}`, 'docker-credential-ecr', os, {}),
    undefined,
    "':' is not a separator on Windows",
  );
  assert.equal(
    findOnPath(`${a};${b}`, 'docker-credential-ecr', os, { PATHEXT: '.CMD' }),
    undefined,
    'only PATHEXT extensions are tried',
  );
  assert.equal(
    findOnPath(`${a}:${b}`, 'docker-credential-ecr.exe', posixOs, {}),
    undefined,
    'POSIX wants the execute bit',
  );
});

test('a cache directory that is a junction or symbolic link is refused; a real one is fine', () => {
  const root = tempDir();
  const real = join(root, 'real');
  mkdirSync(real);
  symlinkSync(real, join(root, 'link'));
  assert.equal(windowsOs.cacheDirProblem(real), undefined);
  assert.equal(windowsOs.cacheDirProblem(join(root, 'link')), 'is a junction or symbolic link');
});

test('replacing a file fails at once with an error that is not about sharing (only EPERM, EACCES and EBUSY are retried)', () => {
  const root = tempDir();
  const from = join(root, 'from');
  const to = join(root, 'to');
  writeFileSync(from, 'new');
  // A target directory cannot be replaced by a file: EISDIR/ENOTEMPTY is not a sharing error, so no retry.
  mkdirSync(to);
  writeFileSync(join(to, 'x'), '');
  const started = Date.now();
  assert.throws(
    () => windowsOs.replaceFile(from, to),
    (e: NodeJS.ErrnoException) => e.code !== 'EPERM' && e.code !== 'EBUSY',
  );
  assert.ok(Date.now() - started < 500, 'no retry for an error that is not about sharing');
  renameSync(from, join(root, 'kept'));
});
