// Issue 27, point 4: `configure` moves a set-up over from the Go helper. credHelpers entries that send ECR hosts to
// another ECR helper switch in the same diff (--keep-other-helpers leaves them), the region of the account's own
// registry comes from the hosts already in the file, and nothing printed about a routed host is false.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../support/use-fake-aws';
import { EXECUTABLE, runExecutable } from '../support/executable';
import { tempDir } from '../support/temp';

const fake = useFakeAws();
const EAST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const WEST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const GO_HELPER_GIVES_NOTHING = '#!/bin/sh\nprintf "credentials not found in native keychain"\nexit 1\n';

function machine(
  credHelpers: Record<string, string>,
  extra: Record<string, string> = {},
): { env: Record<string, string>; config: string; bin: string } {
  const home = tempDir('dce-configure-move-');
  const bin = join(home, 'bin');
  mkdirSync(bin);
  symlinkSync(EXECUTABLE, join(bin, 'docker-credential-ecr'));
  writeFileSync(join(bin, 'docker-credential-ecr-login'), GO_HELPER_GIVES_NOTHING, { mode: 0o755 });
  mkdirSync(join(home, '.docker'));
  const config = join(home, '.docker', 'config.json');
  writeFileSync(config, JSON.stringify({ credHelpers }, null, '\t'));
  const env: Record<string, string> = {
    HOME: home,
    PATH: `${bin}:/usr/bin:/bin`,
    AWS_ACCESS_KEY_ID: 'AKIACONFIGUREMOVE001',
    AWS_SECRET_ACCESS_KEY: 'configure-move-secret',
    AWS_ENDPOINT_URL_STS: fake.url,
    AWS_ENDPOINT_URL_ECR: fake.url,
    AWS_ENDPOINT_URL_ECR_PUBLIC: fake.url,
    AWS_EC2_METADATA_DISABLED: 'true',
    DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '4000',
    ...extra,
  };
  return { env, config, bin };
}

const helpers = (config: string): Record<string, string> =>
  (JSON.parse(readFileSync(config, 'utf8')) as { credHelpers: Record<string, string> }).credHelpers;

test('two ECR hosts on ecr-login: configure --region switches both in one diff, and doctor then finds no other helper', async () => {
  const m = machine({ [EAST]: 'ecr-login', [WEST]: 'ecr-login' });
  const result = await runExecutable(['configure', '--region', 'us-east-1'], { env: m.env });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(helpers(m.config), {
    [EAST]: 'ecr',
    [WEST]: 'ecr',
    'public.ecr.aws': 'ecr',
    'ecr-public.aws.com': 'ecr',
  });
  assert.match(result.stdout, new RegExp(`^-\\t\\t"${WEST.replace(/\./g, '\\.')}": "ecr-login"$`, 'm'));
  for (const host of [EAST, WEST])
    assert.match(
      result.stdout,
      new RegExp(
        `${host.replace(/\./g, '\\.')} went to docker-credential-ecr-login before; it now goes to docker-credential-ecr\\.`,
      ),
    );
  assert.doesNotMatch(result.stdout, /no basic auth credentials/);
  const doctor = await runExecutable(['doctor'], { env: m.env });
  assert.equal(doctor.code, 0, doctor.stdout);
  assert.doesNotMatch(doctor.stdout, /ecr-login/);
});

test('--keep-other-helpers leaves them, and says so', async () => {
  const m = machine({ [EAST]: 'ecr-login', [WEST]: 'ecr-login' });
  const result = await runExecutable(['configure', '--region', 'us-east-1', '--keep-other-helpers'], { env: m.env });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(helpers(m.config)[WEST], 'ecr-login');
  assert.equal(helpers(m.config)[EAST], 'ecr', 'the registry asked for still moves');
  assert.match(
    result.stdout,
    new RegExp(`Kept: ${WEST.replace(/\./g, '\\.')} goes to docker-credential-ecr-login \\(--keep-other-helpers\\)`),
  );
});

test('no region configured: the region of the account\'s registry already in the file; no false "no basic auth credentials"', async () => {
  const m = machine({ [WEST]: 'ecr-login', '210987654321.dkr.ecr.ap-south-1.amazonaws.com': 'ecr' });
  const result = await runExecutable(['configure'], { env: m.env });
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    new RegExp(
      `adding your registry ${WEST.replace(/\./g, '\\.')} \\(region eu-west-1 from ${WEST.replace(/\./g, '\\.')} in .*config\\.json\\)`,
    ),
  );
  assert.doesNotMatch(result.stdout, /no basic auth credentials|no AWS region is configured/);
  assert.equal(helpers(m.config)[WEST], 'ecr');
});

test('another ECR helper under another name (a link to docker-credential-ecr-login) moves over too; an unrelated helper stays', async () => {
  const m = machine({ [WEST]: 'aws', 'ghcr.io': 'gh' });
  symlinkSync(join(m.bin, 'docker-credential-ecr-login'), join(m.bin, 'docker-credential-aws'));
  const result = await runExecutable(['configure', '--region', 'us-east-1'], { env: m.env });
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    new RegExp(
      `${WEST.replace(/\./g, '\\.')} went to docker-credential-aws before; it now goes to docker-credential-ecr\\.`,
    ),
  );
  assert.equal(helpers(m.config)['ghcr.io'], 'gh');
});
