// The cache-hit path must not load the AWS SDK (it is what every pull pays for). This file runs in its own
// process, so the module cache shows exactly what a hit loaded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cacheKeyFor } from '../../src/cache/key';
import { TokenStore } from '../../src/cache/store';
import { readSettings } from '../../src/platform/settings';
import { selectIdentity } from '../../src/identity/identity';
import { createLogger } from '../../src/platform/log';
import { registryForHost } from '../../src/registry/host';
import { collector, runInProcess } from '../support/run-cli';
import { tempDir } from '../support/temp';

// The SDK's partition table (host.ts) is data, not SDK code: the one file of @aws-sdk a hit may load.
const PARTITION_DATA = /[\\/]util-endpoints[\\/]lib[\\/]aws[\\/]partitions\.js$/;
const sdkModules = () =>
  Object.keys(require.cache).filter(
    (path) =>
      /[\\/]node_modules[\\/](@aws-sdk|@smithy|@aws-crypto|https-proxy-agent|agent-base)[\\/]/.test(path) &&
      !PARTITION_DATA.test(path),
  );

test('a cache hit answers without loading any AWS SDK module', async () => {
  const home = tempDir();
  const env = {
    HOME: home,
    AWS_ACCESS_KEY_ID: 'AKIAHITPATH000000001',
    AWS_SECRET_ACCESS_KEY: 'x',
    AWS_ECR_CACHE_DIR: join(home, 'cache'),
  };
  const host = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
  const settings = readSettings(env, () => home);
  const key = cacheKeyFor(registryForHost(host)!, selectIdentity(settings), undefined);
  const store = TokenStore.open(
    settings.cacheDir!,
    createLogger({ level: 'off', stderr: collector().stream, now: Date.now }),
    Date.now,
  )!;
  store.write(key, {
    version: 1,
    key: key.description,
    registries: [host],
    username: 'AWS',
    password: 'hit',
    expiresAt: Date.now() + 3600_000,
    fetchedAt: Date.now(),
  });

  assert.deepEqual(sdkModules(), []);
  const result = await runInProcess(['get'], { stdin: host, env });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(JSON.parse(result.stdout).Secret, 'hit');
  assert.deepEqual(sdkModules(), [], 'the hit path loaded SDK modules');

  // The check can fail: a miss (here refused by a closed port) does load the SDK.
  const miss = await runInProcess(['get'], {
    stdin: host.replace('us-east-1', 'eu-west-1'),
    env: { ...env, AWS_ENDPOINT_URL_ECR: 'http://127.0.0.1:9' },
  });
  assert.equal(miss.code, 1);
  assert.notDeepEqual(sdkModules(), []);
});
