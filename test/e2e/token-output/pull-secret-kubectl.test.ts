// `pull-secret` piped into the real `kubectl apply --dry-run=client -f -` (against a fake API server's discovery:
// kubectl asks a server which kinds exist even for a client dry run): kubectl takes it whole, even for names YAML 1.1
// reads as booleans.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { useFakeAws } from '../../support/use-fake-aws';
import { startFakeKubeApi } from '../../support/fake-kube-api';
import { assertBuilt, runExecutable } from '../../support/executable';
import { runCommand } from '../../support/command';
import { requireTool } from '../../support/tools';
import { tempDir } from '../../support/temp';
import { envOn, HOST } from './token-run';

const fake = useFakeAws();
const env = envOn(fake);

before(() => assertBuilt());

/** `kubectl apply --dry-run=client -o json -f -` of `manifest`: what kubectl would send, or its error. */
async function kubectlDryRun(
  manifest: string,
): Promise<{ code: number | null; object?: Record<string, unknown>; stderr: string }> {
  const kubectl = requireTool('kubectl');
  const api = await startFakeKubeApi();
  try {
    const home = tempDir('dce-kubectl-');
    const result = await runCommand(
      kubectl,
      ['apply', '--dry-run=client', '--validate=false', `--server=${api.url}`, '-o', 'json', '-f', '-'],
      {
        env: { PATH: process.env.PATH ?? '', HOME: home },
        stdin: manifest,
        timeoutMs: 30_000,
      },
    );
    return {
      code: result.code,
      stderr: result.stderr,
      ...(result.code === 0 ? { object: JSON.parse(result.stdout) as Record<string, unknown> } : {}),
    };
  } finally {
    await api.close();
  }
}

test('pull-secret | kubectl apply --dry-run=client -f -: kubectl takes it whole, even for names YAML 1.1 reads as booleans', async () => {
  const e = env();
  for (const [name, namespace] of [
    ['ecr-pull', 'apps'],
    ['y', 'on'],
    ['no', 'off'],
  ] as const) {
    const result = await runExecutable(['pull-secret', '--name', name, '--namespace', namespace, HOST], { env: e });
    assert.equal(result.code, 0, result.stderr);
    const applied = await kubectlDryRun(result.stdout);
    assert.equal(applied.code, 0, applied.stderr);
    const object = applied.object as {
      kind: string;
      type: string;
      metadata: { name: string; namespace: string; annotations: Record<string, string> };
      data: Record<string, string>;
    };
    assert.equal(object.kind, 'Secret');
    assert.equal(object.type, 'kubernetes.io/dockerconfigjson');
    assert.equal(object.metadata.name, name);
    assert.equal(object.metadata.namespace, namespace);
    assert.match(object.metadata.annotations['docker-credential-ecr/expires-at'], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const config = JSON.parse(Buffer.from(object.data['.dockerconfigjson'], 'base64').toString('utf8')) as {
      auths: Record<string, { password: string }>;
    };
    assert.equal(config.auths[HOST].password, fake.issued[0].password);
  }
});

test('test of the test: kubectl refuses the same Secret with `namespace: y` unquoted (a YAML 1.1 boolean)', async () => {
  const applied = await kubectlDryRun(
    'apiVersion: v1\nkind: Secret\nmetadata:\n  name: ecr-pull\n  namespace: y\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: e30=\n',
  );
  assert.notEqual(applied.code, 0);
  // kubectl 1.32 (this machine's) and 1.20 (Debian 12's kubernetes-client) word it differently.
  assert.match(
    applied.stderr,
    /cannot unmarshal bool into Go struct field ObjectMeta\.metadata\.namespace of type string|"namespace":true/,
  );
});
