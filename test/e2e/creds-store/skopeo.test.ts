// skopeo (containers/image) does not read credsStore, in its auth file or the Docker config, as the README says:
// only credHelpers brings it to the helper.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { helperEnv, pathWith, recordedCalls, recordingHelper } from '../../support/helper-bin';
import { runCommand, transcript } from '../../support/command';
import { requireTool } from '../../support/tools';
import { tempDir } from '../../support/temp';
import { ECR_HOST } from './rig';
import { useFakeAws } from '../../support/use-fake-aws';

const fake = useFakeAws();

test('skopeo (containers/image) does not read credsStore, in its auth file or the Docker config: the README says so', async () => {
  const skopeo = requireTool('skopeo');
  const dir = tempDir('dce-store-skopeo-');
  const calls = join(dir, 'calls');
  const recBin = recordingHelper(join(dir, 'bin'), calls);
  writeFileSync(join(dir, 'auth.json'), JSON.stringify({ credsStore: 'ecr' }));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ credsStore: 'ecr' }));
  const env = {
    ...helperEnv(fake.url, dir),
    PATH: pathWith(recBin),
    REGISTRY_AUTH_FILE: join(dir, 'auth.json'),
    DOCKER_CONFIG: dir,
  };
  const result = await runCommand(skopeo, ['login', '--get-login', ECR_HOST], { env });
  assert.equal(result.code, 1, transcript(result));
  assert.match(result.stderr, /not logged into 210987654321\.dkr\.ecr\.ap-southeast-7\.amazonaws\.com/);
  assert.deepEqual(recordedCalls(calls), []);
  // Test of the test: with credHelpers, the same command does ask the helper.
  writeFileSync(join(dir, 'auth.json'), JSON.stringify({ credHelpers: { [ECR_HOST]: 'ecr' } }));
  const named = await runCommand(skopeo, ['login', '--get-login', ECR_HOST], { env });
  assert.equal(named.code, 0, transcript(named));
  assert.deepEqual(
    recordedCalls(calls).map((c) => c.action),
    ['get'],
  );
});
