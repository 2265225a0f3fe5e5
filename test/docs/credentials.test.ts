// docs/credentials.md's transcript of a pull behind an MFA-protected role, run as written: the real docker CLI on a
// pseudo-terminal (util-linux `script`) against the fake engine, the built helper asking for the code on the
// terminal, the fake STS requiring it. The prompt must read as the page shows it.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws, useFakeDockerEngine } from '../support/use-fake-aws';
import { assertBuilt } from '../support/executable';
import { helperEnv, linkHelper, pathWith } from '../support/helper-bin';
import { transcript } from '../support/command';
import { requireTool } from '../support/tools';
import { tempDir } from '../support/temp';
import { docTranscripts, runDocCommand } from '../support/doc-run';

const PAGE = 'docs/credentials.md';
const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const ROLE = 'arn:aws:iam::123456789012:role/mfa-puller';
const SERIAL = 'arn:aws:iam::123456789012:mfa/alice';
const fake = useFakeAws();
const engine = useFakeDockerEngine();
const root = tempDir('dce-cred-doc-');
let bin: string;

before(() => {
  requireTool('docker');
  requireTool('script');
  assertBuilt();
  bin = linkHelper(join(root, 'bin'));
});

test('a pull behind an MFA role: the code is asked for on the terminal, as the page shows, and the pull gets a token', async () => {
  const [pull] = docTranscripts(PAGE, `docker pull ${HOST}/app`);
  const home = tempDir('dce-cred-home-');
  const env: Record<string, string> = {
    ...helperEnv(fake.url, home),
    AWS_PROFILE: 'mfa',
    PATH: pathWith(bin),
    DOCKER_HOST: engine.host,
  };
  delete env.AWS_ACCESS_KEY_ID;
  delete env.AWS_SECRET_ACCESS_KEY;
  writeFileSync(
    env.AWS_CONFIG_FILE,
    `[profile mfa]\nrole_arn = ${ROLE}\nsource_profile = base\nmfa_serial = ${SERIAL}\nregion = eu-west-1\n\n[profile base]\nregion = eu-west-1\n`,
  );
  writeFileSync(
    env.AWS_SHARED_CREDENTIALS_FILE,
    '[base]\naws_access_key_id = AKIAMFABASEKEY000001\naws_secret_access_key = mfa-base-secret\n',
  );
  mkdirSync(join(home, '.docker'));
  writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ credHelpers: { [HOST]: 'ecr' } }));
  fake.requireMfa(ROLE, { serialNumber: SERIAL, code: '123456' });
  const r = await runDocCommand(pull, { env, terminal: true, stdin: '123456\n' });
  assert.equal(r.code, 0, `${PAGE}:${pull.line}\n${transcript(r)}`);
  // The page shows the typed code after the prompt; typed ahead here, the terminal echoes it before.
  const prompt = pull.output!.find((l) => l.includes('MFA code'))!.replace(/ 123456$/, ' ');
  assert.ok(
    r.stdout.replace(/\r/g, '').includes(prompt),
    `${PAGE}:${pull.line}: the terminal shows the prompt as the page does:\n${prompt}\n${transcript(r)}`,
  );
  assert.equal(engine.pulls.at(-1)?.auth?.username, 'AWS');
  assert.ok(
    fake.issued.some((t) => t.password === engine.pulls.at(-1)?.auth?.password),
    'the pull sent a token issued for the role',
  );
});
