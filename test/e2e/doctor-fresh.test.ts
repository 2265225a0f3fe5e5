// Issue 27, point 1: no verdict of doctor rests on the cache. AWS is asked now for every identity and region (one
// request per cache key, through the lock, the answer cached), and the cached token is reported apart from the
// fresh answer. Through the built executable against the fake AWS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../support/use-fake-aws';
import { EXECUTABLE, runExecutable, type ExeResult } from '../support/executable';
import { tempDir } from '../support/temp';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const OTHER = '210987654321.dkr.ecr.eu-west-1.amazonaws.com';
const fake = useFakeAws();

function setup(dockerConfig: unknown = { credHelpers: { [HOST]: 'ecr' } }): Record<string, string> {
  const home = tempDir('dce-doctor-fresh-');
  const bin = join(home, 'bin');
  mkdirSync(bin);
  symlinkSync(EXECUTABLE, join(bin, 'docker-credential-ecr'));
  mkdirSync(join(home, '.docker'));
  writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify(dockerConfig));
  return {
    HOME: home,
    PATH: `${bin}:/usr/bin:/bin`,
    AWS_ACCESS_KEY_ID: 'AKIADOCTORFRESHKEY01',
    AWS_SECRET_ACCESS_KEY: 'doctor-fresh-secret-never-printed',
    AWS_ENDPOINT_URL_ECR: fake.url,
    AWS_ENDPOINT_URL_ECR_PUBLIC: fake.url,
    AWS_ENDPOINT_URL_STS: fake.url,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_REGION: 'eu-west-1',
    DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '4000',
  };
}

function line(result: ExeResult, status: 'ok' | 'warn' | 'fail', pattern: RegExp): string {
  const found = result.stdout.split('\n').find((l) => l.startsWith(`${status.padEnd(4)}  `) && pattern.test(l));
  assert.ok(found, `no "${status}" line matching ${pattern} in:\n${result.stdout}${result.stderr}`);
  return found;
}

const get = async (env: Record<string, string>, host = HOST): Promise<{ Secret: string }> => {
  const result = await runExecutable(['get'], { stdin: host, env });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as { Secret: string };
};

test('a token still cached for an identity AWS now refuses: a failure saying until when pulls work, never an all-clear', async () => {
  const env = setup();
  await get(env);
  fake.fail('ecr', 'access-denied', { times: 10 });
  const result = await runExecutable(['doctor'], { env });
  assert.equal(result.code, 1, result.stdout);
  const verdict = line(
    result,
    'fail',
    new RegExp(
      `^fail  ${HOST.replace(/\./g, '\\.')}: ECR API in eu-west-1 .*: pulls work until \\S+Z \\(in \\d+ h\\) with the cached token; a new token is refused: access denied`,
    ),
  );
  assert.match(
    verdict,
    /; fix: the identity \(environment key AKIADOCTORFRESHKEY01\) needs IAM permission ecr:GetAuthorizationToken$/,
  );
  assert.doesNotMatch(result.stdout, /served from the cache/);
  assert.match(result.stdout, /\d+ ok, \d+ warnings?, [1-9]\d* failed\n$/);
  // The cached token is still what `get` serves meanwhile: doctor's failure did not take it away.
  assert.equal(fake.callsFor('ecr').length, 2);
});

test('a fresh answer refreshes the cache: the token doctor fetched is the one get serves next', async () => {
  const env = setup();
  const before = await get(env);
  const result = await runExecutable(['doctor'], { env });
  assert.equal(result.code, 0, result.stdout);
  line(result, 'ok', /token fetched from AWS now, valid until .*; the cache held one valid until/);
  assert.equal(fake.callsFor('ecr').length, 2, 'doctor asked AWS although the cache held a fresh token');
  const after = await get(env);
  assert.equal(fake.callsFor('ecr').length, 2, 'get served the token doctor cached');
  assert.notEqual(after.Secret, before.Secret);
  assert.equal(after.Secret, fake.issued.at(-1)!.password);
});

test('one request per identity and region: two registries of one region share it, and say so', async () => {
  const env = setup({ credHelpers: { [HOST]: 'ecr', [OTHER]: 'ecr' } });
  const result = await runExecutable(['doctor'], { env });
  assert.equal(result.code, 0, result.stdout);
  assert.equal(fake.callsFor('ecr').length, 1);
  line(
    result,
    'ok',
    new RegExp(
      `^ok {4}${OTHER.replace(/\./g, '\\.')}: .*token fetched from AWS now \\(one request with ${HOST.replace(/\./g, '\\.')}: same identity and region\\)`,
    ),
  );
});
