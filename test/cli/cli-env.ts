// What the in-process CLI tests share: a fresh HOME with static keys, and a token seeded where `get` looks.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cacheKeyFor } from '../../src/cache/key';
import { TokenStore } from '../../src/cache/store';
import { readSettings } from '../../src/platform/settings';
import { selectIdentity } from '../../src/identity/identity';
import { createLogger } from '../../src/platform/log';
import { registryForHost } from '../../src/registry/host';
import { collector } from '../support/run-cli';
import { tempDir } from '../support/temp';

export const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
export const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);

export function environment() {
  const home = tempDir();
  return {
    HOME: home,
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEKEY00001',
    AWS_SECRET_ACCESS_KEY: 'not-a-real-secret',
    AWS_ECR_CACHE_DIR: join(home, 'cache'),
  };
}

/** Puts a token in the cache exactly where `get` for `host` will look for it. */
export function seed(
  env: Record<string, string>,
  host: string,
  password: string,
  expiresAt: number,
  fetchedAt = NOW - 60_000,
) {
  const settings = readSettings(env, () => env.HOME);
  const registry = registryForHost(host)!;
  const key = cacheKeyFor(registry, selectIdentity(settings), undefined);
  const store = TokenStore.open(
    settings.cacheDir!,
    createLogger({ level: 'off', stderr: collector().stream, now: () => NOW }),
    () => NOW,
  )!;
  assert.ok(
    store.write(key, {
      version: 1,
      key: key.description,
      registries: [host],
      username: 'AWS',
      password,
      expiresAt,
      fetchedAt,
    }),
  );
}
