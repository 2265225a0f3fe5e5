// Kubelet mode's answers: every apiVersion in its own version, started under the EKS file name, hosts with a port,
// FIPS and ECR Public, and a custom host from the config file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../../support/use-fake-aws';
import { EXECUTABLE, runExecutable } from '../../support/executable';
import { tempDir } from '../../support/temp';
import { helperEnv } from '../../support/helper-bin';
import { envOn, HOST, IMAGE, ok, provide, request, seconds, VERSIONS } from './provider';

const fake = useFakeAws();
const env = envOn(fake);

test('every apiVersion is answered in its own version, with a token from ECR and a cacheDuration until our refresh', async () => {
  const e = env();
  for (const apiVersion of VERSIONS) {
    const response = ok(await provide(request(IMAGE, apiVersion), e), IMAGE, apiVersion);
    assert.deepEqual(Object.keys(response.auth), [HOST]);
    assert.equal(response.auth[HOST].password, fake.issued[0].password);
    // A 12-hour token is refreshed 15 minutes before it expires: the kubelet may keep it for just under 11h45m.
    const duration = seconds(response.cacheDuration);
    assert.ok(duration <= 11 * 3600 + 45 * 60 && duration > 11 * 3600 + 44 * 60, response.cacheDuration);
  }
  assert.equal(fake.callsFor('ecr').length, 1, 'one token for all three: the disk cache');
});

test('started as ecr-credential-provider with no arguments (the EKS file name), it is the kubelet mode', async () => {
  const bin = tempDir();
  symlinkSync(EXECUTABLE, join(bin, 'ecr-credential-provider'));
  const e = env();
  const result = await runExecutable([], { stdin: request(IMAGE), env: e, exe: join(bin, 'ecr-credential-provider') });
  ok(result, IMAGE);
  // Under its own name with no arguments it stays the Docker helper, which says no command was given.
  const plain = await runExecutable([], { stdin: request(IMAGE), env: e });
  assert.equal(plain.code, 1);
  assert.match(plain.stderr, /^docker-credential-ecr: no command given\n\nUsage: docker-credential-ecr COMMAND/);
});

test('hosts with a port, FIPS hosts (to the FIPS endpoint) and ECR Public', async () => {
  const e = env({ HTTPS_PROXY: fake.url, AWS_CA_BUNDLE: fake.caFile });
  delete (e as Record<string, string | undefined>).AWS_ENDPOINT_URL_ECR;
  const fipsImage = '123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/app';
  ok(await provide(request(fipsImage), e), fipsImage);
  assert.equal(fake.callsFor('ecr')[0].host, 'api.ecr-fips.us-east-1.amazonaws.com');
  const withPort = `${HOST}:443/team/app`;
  const response = ok(await provide(request(withPort), env()), withPort);
  assert.deepEqual(Object.keys(response.auth), [`${HOST}:443`]);
  const dualstack = 'ecr-public.aws.com/docker/library/alpine';
  ok(await provide(request(dualstack), env()), dualstack);
});

test('a custom host from the config file is answered under the custom host', async () => {
  const home = tempDir();
  const config = join(home, 'config.json');
  writeFileSync(config, JSON.stringify({ registries: { 'images.example.com': { target: HOST } } }));
  const image = 'images.example.com/team/app';
  const response = ok(
    await provide(request(image), { ...helperEnv(fake.url, home), DOCKER_CREDENTIAL_ECR_CONFIG: config }),
    image,
  );
  assert.deepEqual(Object.keys(response.auth), ['images.example.com']);
  assert.equal(fake.callsFor('ecr')[0].region, 'eu-west-1');
});
