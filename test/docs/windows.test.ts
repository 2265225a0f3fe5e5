// The Windows lines of README.md and docs/platforms.md, run as written in cmd.exe under Wine with the release's
// windows-amd64.exe: copy it into %LOCALAPPDATA%\Microsoft\WindowsApps (which Windows 10 and later keep on every
// user's PATH: made here, since Wine has none), then `docker-credential-ecr configure` found on that PATH, against
// the fake AWS. Needs `npm run release` (CI runs it first); without it the lines are listed as not yet run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useFakeAws } from '../support/use-fake-aws';
import { runCommand, transcript } from '../support/command';
import { openPrefix, wineTools, type WinePrefix } from '../support/wine';
import { docCommand, record, REPO } from '../support/doc-run';
import { WINDOWS_EXE } from './doc-exemptions';

const skip = existsSync(join(REPO, WINDOWS_EXE)) ? false : `${WINDOWS_EXE} is missing: run npm run release first`;
const fake = useFakeAws();
let wine: WinePrefix;
let dir: string;

before(() => {
  if (skip) return;
  const tools = wineTools();
  if (typeof tools === 'string') throw new Error(tools);
  dir = mkdtempSync(join(tmpdir(), 'dce-doc-wine-'));
  wine = openPrefix(tools, dir);
});
after(() => {
  wine?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('docs/platforms.md on Windows: copy into WindowsApps, then configure from PATH', { skip }, async () => {
  const lines = [
    docCommand(
      'docs/platforms.md',
      'copy /Y docker-credential-ecr-v0.1.0.windows-amd64.exe "%LOCALAPPDATA%\\Microsoft\\WindowsApps\\docker-credential-ecr.exe"',
      'cmd',
    ),
    docCommand('docs/platforms.md', 'docker-credential-ecr configure', 'cmd'),
  ];
  const downloads = join(wine.prefix, 'drive_c', 'downloads');
  mkdirSync(downloads);
  copyFileSync(join(REPO, WINDOWS_EXE), join(downloads, 'docker-credential-ecr-v0.1.0.windows-amd64.exe'));
  const windowsApps = join(wine.profile, 'AppData', 'Local', 'Microsoft', 'WindowsApps');
  mkdirSync(windowsApps, { recursive: true });
  const env = {
    ...wine.env,
    WINEPATH: `C:\\users\\${wine.profile.split('/').at(-1)}\\AppData\\Local\\Microsoft\\WindowsApps`,
    AWS_ACCESS_KEY_ID: 'AKIAE2ETESTKEY000001',
    AWS_SECRET_ACCESS_KEY: 'e2e-secret-access-key-do-not-print',
    AWS_REGION: 'eu-west-1',
    AWS_ENDPOINT_URL_STS: fake.url,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  for (const [i, line] of lines.entries()) {
    // As a batch file: Wine's argument quoting would escape the quotes a person types.
    writeFileSync(
      join(wine.prefix, 'drive_c', `doc-${i}.bat`),
      `@cd /d C:\\downloads\r\n@${line.text}\r\n@exit /b %ERRORLEVEL%\r\n`,
    );
    const r = await runCommand(wine.command[0], ['cmd.exe', '/c', `C:\\doc-${i}.bat`], { env, timeoutMs: 120_000 });
    record(line);
    assert.equal(r.code, 0, `${line.file}:${line.line}: ${line.text}\n${transcript(r)}`);
    assert.ok(
      existsSync(join(windowsApps, 'docker-credential-ecr.exe')),
      `${line.file}:${line.line}: the executable is in WindowsApps`,
    );
  }
  const config = JSON.parse(readFileSync(join(wine.profile, '.docker', 'config.json'), 'utf8')) as {
    credHelpers: Record<string, string>;
  };
  assert.equal(
    config.credHelpers['123456789012.dkr.ecr.eu-west-1.amazonaws.com'],
    'ecr',
    'configure wrote %USERPROFILE%\\.docker\\config.json',
  );
  assert.equal(config.credHelpers['public.ecr.aws'], 'ecr');
});
