// One identity, one token, with the built executable against the fake AWS, where the identity comes from keys and
// the shared config: a lone access key id is not an identity, the config is read by the SDK's rules, and its
// endpoint_url and AWS_DEFAULT_PROFILE are part of the key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../../support/use-fake-aws';
import { runExecutable } from '../../support/executable';
import { HOST, ROLE_A, sharedHome, secretOf } from './shared-home';

const fake = useFakeAws();

test('a lone AWS_ACCESS_KEY_ID is not an identity: no entry keyed on it serves another source', async () => {
  const { bare } = sharedHome(fake);
  const keys = await runExecutable(['get'], {
    stdin: HOST,
    env: {
      ...bare,
      AWS_ACCESS_KEY_ID: 'AKIAE2ETESTKEY000001',
      AWS_SECRET_ACCESS_KEY: 'e2e-secret-access-key-do-not-print',
    },
  });
  assert.equal(keys.code, 0, keys.stderr);
  const lone = await runExecutable(['get'], {
    stdin: HOST,
    env: { ...bare, AWS_ACCESS_KEY_ID: 'AKIAE2ETESTKEY000001' },
  });
  assert.equal(lone.code, 1, 'the SDK would not use half a key pair, so neither does the cache');
  assert.match(lone.stderr, /no AWS credentials were found/);
});
test("the shared config is read by the SDK's rules: [profile default] over [default], inline comments, commented headers", async () => {
  const { home, bare } = sharedHome(fake);
  const credentials = join(home, 'creds');
  writeFileSync(
    credentials,
    '[a]\naws_access_key_id = AKIAPROFILEA00000001\naws_secret_access_key = sa\n[b]\naws_access_key_id = AKIAPROFILEB00000002\naws_secret_access_key = sb\n',
  );
  const configFor = (profile: string): string => {
    const file = join(home, `config-${profile}`);
    // [default] names one base, [profile default] (which the SDK takes instead) another; comments everywhere.
    writeFileSync(
      file,
      `[default]\nrole_arn = ${ROLE_A}\nsource_profile = a\n[profile default] # the one the SDK reads\nrole_arn = ${ROLE_A}\nsource_profile = ${profile}   # inline comment\n`,
    );
    return file;
  };
  const asA = await runExecutable(['get'], {
    stdin: HOST,
    env: { ...bare, AWS_CONFIG_FILE: configFor('a'), AWS_SHARED_CREDENTIALS_FILE: credentials },
  });
  assert.equal(asA.code, 0, asA.stderr);
  const asB = await runExecutable(['get'], {
    stdin: HOST,
    env: { ...bare, AWS_CONFIG_FILE: configFor('b'), AWS_SHARED_CREDENTIALS_FILE: credentials },
  });
  assert.equal(asB.code, 0, asB.stderr);
  assert.notEqual(secretOf(asB.stdout), secretOf(asA.stdout), 'base b is another identity, as the SDK reads the file');
  assert.deepEqual(
    fake.assumedRoles.map((r) => r.callerAccessKeyId),
    ['AKIAPROFILEA00000001', 'AKIAPROFILEB00000002'],
    'each from the base [profile default] names',
  );
});

test('an endpoint_url in the shared config is part of the key: a token from it never serves a config without it', async () => {
  const { home, bare } = sharedHome(fake);
  const env: Record<string, string> = {
    ...bare,
    AWS_ACCESS_KEY_ID: 'AKIAE2ETESTKEY000001',
    AWS_SECRET_ACCESS_KEY: 'e2e-secret-access-key-do-not-print',
    DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '1500',
  };
  delete (env as Record<string, string | undefined>).AWS_ENDPOINT_URL_ECR;
  writeFileSync(env.AWS_CONFIG_FILE, `[default]\nregion = eu-west-1\nendpoint_url = ${fake.url}\n`);
  const viaConfig = await runExecutable(['get'], { stdin: HOST, env });
  assert.equal(viaConfig.code, 0, viaConfig.stderr);
  const plain = await runExecutable(['get'], {
    stdin: HOST,
    env: { ...env, AWS_CONFIG_FILE: join(home, 'empty-config') },
  });
  assert.notEqual(plain.stdout, viaConfig.stdout, "the endpoint's token was served where no endpoint is configured");
  assert.equal(plain.code, 1, 'a miss, which here cannot reach AWS');
});

test('AWS_DEFAULT_PROFILE is honoured as the AWS CLI honours it: its credentials AND its endpoint_url, one key for both', async () => {
  const { bare } = sharedHome(fake);
  const env: Record<string, string> = { ...bare, DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '3000' };
  delete (env as Record<string, string | undefined>).AWS_ENDPOINT_URL_ECR;
  // [default] points at a port where nothing answers; [profile p] at the fake. The SDK itself reads only AWS_PROFILE.
  writeFileSync(
    env.AWS_CONFIG_FILE,
    '[default]\nregion = eu-west-1\nendpoint_url = http://127.0.0.1:9\naws_access_key_id = AKIADEFAULT000000001\naws_secret_access_key = d\n' +
      `[profile p]\nregion = eu-west-1\nendpoint_url = ${fake.url}\naws_access_key_id = AKIAPROFILEP00000001\naws_secret_access_key = p\n` +
      `[profile q]\nregion = eu-west-1\nendpoint_url = ${fake.url}\naws_access_key_id = AKIAPROFILEQ00000001\naws_secret_access_key = q\n`,
  );
  const p = await runExecutable(['get'], { stdin: HOST, env: { ...env, AWS_DEFAULT_PROFILE: 'p' } });
  assert.equal(p.code, 0, p.stderr);
  assert.deepEqual(
    fake.callsFor('ecr').map((call) => call.accessKeyId),
    ['AKIAPROFILEP00000001'],
    "p's key, at p's endpoint",
  );
  // Again: a hit on p's entry. Then the same files without AWS_DEFAULT_PROFILE: [default]'s endpoint, which
  // answers nothing, and never p's token.
  assert.equal(
    secretOf((await runExecutable(['get'], { stdin: HOST, env: { ...env, AWS_DEFAULT_PROFILE: 'p' } })).stdout),
    secretOf(p.stdout),
  );
  const plain = await runExecutable(['get'], { stdin: HOST, env });
  assert.equal(plain.code, 1, plain.stdout);
  assert.match(plain.stderr, /127\.0\.0\.1:9/);
  // AWS_PROFILE wins over AWS_DEFAULT_PROFILE, for the key and for the SDK alike.
  const q = await runExecutable(['get'], { stdin: HOST, env: { ...env, AWS_PROFILE: 'q', AWS_DEFAULT_PROFILE: 'p' } });
  assert.equal(q.code, 0, q.stderr);
  assert.notEqual(secretOf(q.stdout), secretOf(p.stdout));
  assert.deepEqual(
    fake.callsFor('ecr').map((call) => call.accessKeyId),
    ['AKIAPROFILEP00000001', 'AKIAPROFILEQ00000001'],
  );
});
