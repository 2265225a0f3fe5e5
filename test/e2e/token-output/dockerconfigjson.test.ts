// `dockerconfigjson` through the built executable against the fake AWS: auths for several hosts, each with its own
// region's token, taken by the real docker CLI as its config.json to pull.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../../support/use-fake-aws';
import { assertBuilt, runExecutable } from '../../support/executable';
import { runCommand, transcript } from '../../support/command';
import { requireTool } from '../../support/tools';
import { tempDir } from '../../support/temp';
import { dockerOnlyPath, envOn, HOST, OTHER_REGION_HOST, useEngineFor } from './token-run';

const fake = useFakeAws();
const env = envOn(fake);
const engine = useEngineFor(fake);

before(() => assertBuilt());

test('dockerconfigjson: auths for several hosts, each with its own region token; the real docker CLI pulls with it', async () => {
  const result = await runExecutable(['dockerconfigjson', HOST, OTHER_REGION_HOST, 'public.ecr.aws'], { env: env() });
  assert.equal(result.code, 0, result.stderr);
  const config = JSON.parse(result.stdout) as {
    auths: Record<string, { username: string; password: string; auth: string }>;
  };
  assert.deepEqual(Object.keys(config.auths), [HOST, OTHER_REGION_HOST, 'public.ecr.aws']);
  assert.deepEqual(
    fake
      .callsFor('ecr')
      .map((c) => c.region)
      .sort(),
    ['eu-central-1', 'us-west-2'],
  );
  for (const [host, entry] of Object.entries(config.auths)) {
    assert.equal(entry.username, 'AWS');
    assert.ok(
      fake.issued.some((t) => t.password === entry.password),
      host,
    );
    assert.equal(entry.auth, Buffer.from(`AWS:${entry.password}`).toString('base64'));
  }
  assert.notEqual(config.auths[HOST].password, config.auths[OTHER_REGION_HOST].password);

  // As a config.json with only `auths` (what a pod's image pull secret is to the kubelet), for the real docker CLI.
  const docker = requireTool('docker');
  const configDir = tempDir('dce-tokens-dcj-');
  writeFileSync(join(configDir, 'config.json'), result.stdout);
  const pull = await runCommand(docker, ['pull', `${OTHER_REGION_HOST}/repo:tag`], {
    env: { PATH: dockerOnlyPath(), DOCKER_HOST: engine.host, DOCKER_CONFIG: configDir, HOME: configDir },
  });
  assert.equal(pull.code, 0, transcript(pull));
  assert.deepEqual(engine.pulls[0].auth, {
    username: 'AWS',
    password: config.auths[OTHER_REGION_HOST].password,
    serveraddress: OTHER_REGION_HOST,
  });
});
