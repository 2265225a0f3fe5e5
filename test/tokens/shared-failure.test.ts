// The shared failure entry (tokens/shared-failure.ts) with a clock passed in: a failure recorded "in the future" (another
// machine's clock on a shared cache volume, here a process whose clock runs an hour ahead) is nobody's, and never
// stops a caller from asking AWS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useFakeAws } from '../support/use-fake-aws';
import { runInProcess } from '../support/run-cli';
import { tempDir } from '../support/temp';

const fake = useFakeAws();
const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

test('a failure recorded with a clock ahead of ours is not shared', async () => {
  const home = tempDir();
  const env = {
    HOME: home,
    AWS_ACCESS_KEY_ID: 'AKIASHAREDFAILURE001',
    AWS_SECRET_ACCESS_KEY: 's',
    AWS_ENDPOINT_URL_ECR: fake.url,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ECR_CACHE_DIR: join(home, 'cache'),
  };
  fake.fail('ecr', 'access-denied', { times: 1 });
  const ahead = await runInProcess(['get'], { stdin: HOST, env, now: () => Date.now() + 3_600_000 });
  assert.equal(ahead.code, 1);
  const calls = fake.callsFor('ecr').length;
  const ours = await runInProcess(['get'], { stdin: HOST, env });
  assert.equal(ours.code, 0, ours.stderr);
  assert.equal(fake.callsFor('ecr').length, calls + 1, 'asked AWS itself');
});
