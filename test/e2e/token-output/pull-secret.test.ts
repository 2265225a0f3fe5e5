// `pull-secret` through the built executable against the fake AWS: a kubernetes.io/dockerconfigjson Secret that
// passes the Kubernetes Secret schema (kubernetes-models), with its expiry annotated, and the names Kubernetes would
// refuse refused. Applied with kubectl: pull-secret-kubectl.test.ts.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { useFakeAws } from '../../support/use-fake-aws';
import { assertBuilt, runExecutable } from '../../support/executable';
import { envOn, HOST } from './token-run';

const fake = useFakeAws();
const env = envOn(fake);

before(() => assertBuilt());

test('pull-secret: a kubernetes.io/dockerconfigjson Secret that passes the Kubernetes schema, with the expiry annotated', async () => {
  const result = await runExecutable(
    ['pull-secret', '--name', 'ecr-pull', '--namespace', 'apps', HOST, 'public.ecr.aws'],
    { env: env() },
  );
  assert.equal(result.code, 0, result.stderr);
  const manifest = parse(result.stdout) as Record<string, unknown> & {
    metadata: { name: string; namespace: string; annotations: Record<string, string> };
    data: Record<string, string>;
  };
  const { Secret } = await import('kubernetes-models/v1');
  new Secret(manifest).validate();
  assert.equal(manifest.apiVersion, 'v1');
  assert.equal(manifest.kind, 'Secret');
  assert.equal(manifest.type, 'kubernetes.io/dockerconfigjson');
  assert.equal(manifest.metadata.name, 'ecr-pull');
  assert.equal(manifest.metadata.namespace, 'apps');
  assert.deepEqual(Object.keys(manifest.data), ['.dockerconfigjson']);
  const config = JSON.parse(Buffer.from(manifest.data['.dockerconfigjson'], 'base64').toString('utf8')) as {
    auths: Record<string, { password: string }>;
  };
  assert.deepEqual(Object.keys(config.auths), [HOST, 'public.ecr.aws']);
  // The earliest expiry of its tokens, in whole seconds, on this machine's clock (the token service corrects
  // AWS's expiry by the clock offset the SDK measured, which here is a fraction of a second).
  const earliest = Math.min(...fake.issued.map((t) => t.expiresAt)) * 1000;
  const annotated = manifest.metadata.annotations['docker-credential-ecr/expires-at'];
  assert.match(annotated, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(Math.abs(Date.parse(annotated) - earliest) <= 2_000, `${annotated} vs ${new Date(earliest).toISOString()}`);
});

test('test of the test: the schema check refuses a broken Secret', async () => {
  const { Secret } = await import('kubernetes-models/v1');
  assert.throws(
    () =>
      new Secret({
        metadata: { name: 'x' },
        type: 'kubernetes.io/dockerconfigjson',
        data: { '.dockerconfigjson': '{not base64}' },
      }).validate(),
    /must match format "byte"/,
  );
});

test('pull-secret refuses names Kubernetes would refuse, and a missing --name', async () => {
  for (const [args, message] of [
    [['pull-secret', HOST], /--name is required/],
    [['pull-secret', '--name', 'Bad_Name', HOST], /--name Bad_Name is not a valid Secret name/],
    [['pull-secret', '--name', 'ok', '--namespace', 'a.b', HOST], /--namespace a\.b is not a valid namespace name/],
  ] as const) {
    const result = await runExecutable([...args], { env: env() });
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, message);
  }
  assert.equal(fake.calls.length, 0);
});
