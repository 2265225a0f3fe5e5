// `configure` without --registry through the built executable: the account from STS GetCallerIdentity (the fake),
// the region from AWS_REGION or the profile, and what happens when either cannot be found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../support/use-fake-aws';
import { EXECUTABLE, runExecutable } from '../support/executable';
import { tempDir } from '../support/temp';
import { shellWords } from '../support/shell';

const SECRET = 'configure-secret-access-key-never-printed';
const fake = useFakeAws();

function env(extra: Record<string, string> = {}): Record<string, string> {
  const home = tempDir('dce-configure-e2e-');
  const bin = join(home, 'bin');
  mkdirSync(bin);
  symlinkSync(EXECUTABLE, join(bin, 'docker-credential-ecr'));
  return {
    HOME: home,
    PATH: `${bin}:/usr/bin:/bin`,
    AWS_ACCESS_KEY_ID: 'AKIACONFIGURETEST001',
    AWS_SECRET_ACCESS_KEY: SECRET,
    AWS_ENDPOINT_URL_STS: fake.url,
    AWS_EC2_METADATA_DISABLED: 'true',
    DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '4000',
    ...extra,
  };
}

const dockerConfig = (e: Record<string, string>): unknown =>
  JSON.parse(readFileSync(join(e.HOME, '.docker', 'config.json'), 'utf8'));

test("no --registry: the public registries and the caller's own, account from STS, region from AWS_REGION", async () => {
  const e = env({ AWS_REGION: 'eu-west-1' });
  const result = await runExecutable(['configure'], { env: e });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(dockerConfig(e), {
    credHelpers: {
      'public.ecr.aws': 'ecr',
      'ecr-public.aws.com': 'ecr',
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com': 'ecr',
    },
  });
  assert.match(
    result.stdout,
    /Your AWS identity is arn:aws:iam::123456789012:user\/AKIACONFIGURETEST001: adding your registry 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com \(region eu-west-1 from AWS_REGION\)/,
  );
  assert.match(result.stdout, /^\+\t\t"123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com": "ecr"$/m);
  assert.doesNotMatch(result.stdout, /not on PATH/);
  const [call] = fake.callsFor('sts');
  assert.equal(call?.action, 'GetCallerIdentity');
  assert.equal(call?.accessKeyId, 'AKIACONFIGURETEST001');
  assert.equal(call?.region, 'eu-west-1');
  assert.doesNotMatch(result.stdout + result.stderr, new RegExp(SECRET));

  const again = await runExecutable(['configure'], { env: e });
  assert.equal(again.code, 0);
  assert.match(again.stdout, /already configured/);
});

test('the region from the profile when the environment names none; --dry-run writes nothing', async () => {
  const e = env({ AWS_PROFILE: 'build' });
  delete (e as Record<string, string | undefined>).AWS_ACCESS_KEY_ID;
  delete (e as Record<string, string | undefined>).AWS_SECRET_ACCESS_KEY;
  mkdirSync(join(e.HOME, '.aws'));
  writeFileSync(
    join(e.HOME, '.aws', 'config'),
    '[profile build]\nregion = ap-south-1\naws_access_key_id = AKIAPROFILEKEY000001\naws_secret_access_key = profile-secret\n',
  );
  const result = await runExecutable(['configure', '--dry-run'], { env: e });
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    /adding your registry 123456789012\.dkr\.ecr\.ap-south-1\.amazonaws\.com \(region ap-south-1 from profile build in .*\.aws\/config\)/,
  );
  assert.match(result.stdout, /Dry run/);
  assert.equal(existsSync(join(e.HOME, '.docker')), false);
  assert.equal(fake.callsFor('sts')[0]?.accessKeyId, 'AKIAPROFILEKEY000001');
});

test('no region anywhere: the public registries, and how to add the private one', async () => {
  const e = env();
  const result = await runExecutable(['configure'], { env: e });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(dockerConfig(e), { credHelpers: { 'public.ecr.aws': 'ecr', 'ecr-public.aws.com': 'ecr' } });
  assert.match(result.stdout, /account 123456789012\), but no AWS region is configured/);
  assert.match(
    result.stdout,
    /add your private registry with `docker-credential-ecr configure --registry 123456789012\.dkr\.ecr\.<region>\.amazonaws\.com`/,
  );
});

test('STS unreachable or refusing: the public registries, the reason, and how to add the private one', async () => {
  const unreachable = env({ AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' });
  const a = await runExecutable(['configure'], { env: unreachable });
  assert.equal(a.code, 0, a.stderr);
  assert.deepEqual(dockerConfig(unreachable), {
    credHelpers: { 'public.ecr.aws': 'ecr', 'ecr-public.aws.com': 'ecr' },
  });
  assert.match(
    a.stdout,
    /Could not find your AWS account .*cannot reach the STS API endpoint 127\.0\.0\.1:9 \(ECONNREFUSED\)/,
  );
  assert.match(a.stdout, /configure --registry <account>\.dkr\.ecr\.eu-west-1\.amazonaws\.com/);

  fake.fail('sts', 'expired-credentials');
  const expired = env({ AWS_REGION: 'eu-west-1' });
  const b = await runExecutable(['configure'], { env: expired });
  assert.equal(b.code, 0);
  assert.match(b.stdout, /Could not find your AWS account .*have expired; refresh them/);
});

test('--public needs no AWS at all; without the helper on PATH it says how to link it', async () => {
  const e = env({ PATH: '/usr/bin:/bin', AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' });
  const result = await runExecutable(['configure', '--public'], { env: e });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(fake.calls.length, 0);
  assert.deepEqual(dockerConfig(e), { credHelpers: { 'public.ecr.aws': 'ecr', 'ecr-public.aws.com': 'ecr' } });
  const fix =
    /not on PATH, so Docker cannot run it; fix: (sudo ln -s .* \/usr\/local\/bin\/docker-credential-ecr)$/m.exec(
      result.stdout,
    )?.[1];
  assert.ok(fix, result.stdout);
  assert.deepEqual(
    shellWords(fix),
    ['sudo', 'ln', '-s', EXECUTABLE, '/usr/local/bin/docker-credential-ecr'],
    'the path is one word, as a shell splits it',
  );
});
