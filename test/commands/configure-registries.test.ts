// `configure --registry`: the hosts it takes are checked with the rules of get (a refusal writes nothing), and a
// custom host the helper config maps is accepted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInProcess } from '../support/run-cli';
import { configure, HOST, setup } from './configure-home';

test('--registry is checked with the rules of get; a refusal writes nothing', async () => {
  const s = setup('{}');
  for (const [input, message] of [
    ['12345678901.dkr.ecr.eu-west-1.amazonaws.com', /account ID must have 12 digits/],
    ['123456789012.dkr.ecr-public.us-east-1.amazonaws.com', /ECR Public images are pulled from public\.ecr\.aws/],
    [`${HOST}.evil.example`, /is not an ECR address/],
    [`http://${HOST}`, /plain http/],
    ['registry.example.com', /expected <account>\.dkr\.ecr\.<region>\.amazonaws\.com/],
  ] as const) {
    const result = await configure(s, '--registry', HOST, '--registry', input);
    assert.equal(result.code, 1, input);
    assert.match(result.stderr, message, input);
    assert.match(result.stderr, /nothing was changed/);
    assert.equal(readFileSync(s.file, 'utf8'), '{}', input);
  }
  const usage = await configure(s, '--registry');
  assert.equal(usage.code, 1);
  assert.match(usage.stderr, /--registry needs a registry host; see `docker-credential-ecr configure --help`/);
});

test('a custom host the helper config maps is accepted', async () => {
  const s = setup('{}');
  const configFile = join(s.home, 'helper.json');
  writeFileSync(configFile, JSON.stringify({ registries: { 'registry.corp.example': { target: HOST } } }));
  const result = await runInProcess(['configure', '--registry', 'registry.corp.example'], {
    env: { ...s.env, DOCKER_CREDENTIAL_ECR_CONFIG: configFile },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(JSON.parse(readFileSync(s.file, 'utf8')), { credHelpers: { 'registry.corp.example': 'ecr' } });
});
