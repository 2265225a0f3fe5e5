import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheDirCandidate } from '../src/fast-hit';
import { readSettings, type Account } from '../src/platform/settings';

// The quick path guesses the cache directory without loading settings.ts; where it guesses, it must be the directory
// the full path uses (else no memo it finds was written there, and every hit takes the full path).
const user: Account = { uid: 1000, passwdHome: () => '/home/u', ownerOf: () => 1000 };
const ENVS: Record<string, string>[] = [
  { HOME: '/home/u' },
  { HOME: '/home/u', XDG_CACHE_HOME: '/var/cache/u' },
  { HOME: '/home/u', XDG_CACHE_HOME: 'relative' },
  { HOME: '/home/u', AWS_ECR_CACHE_DIR: '/srv/ecr' },
  { HOME: '/home/u', AWS_ECR_CACHE_DIR: '/srv/ecr', XDG_CACHE_HOME: '/var/cache/u' },
  { HOME: '/home/u', AWS_ECR_CACHE_DIR: 'relative' },
  { HOME: '/home/u', AWS_ECR_DISABLE_CACHE: '1' },
  { HOME: '/home/u', AWS_ECR_DISABLE_CACHE: '1', AWS_ECR_CACHE_DIR: '/srv/ecr' },
  { XDG_CACHE_HOME: '/var/cache/u' },
  {},
];

test(
  "the quick path's cache directory is the full path's, or none (POSIX)",
  { skip: process.platform === 'win32' },
  () => {
    for (const env of ENVS) {
      const candidate = cacheDirCandidate(env);
      if (candidate !== undefined)
        assert.equal(candidate, readSettings(env, () => '/home/u', user).cacheDir, JSON.stringify(env));
    }
    // The common cases do have a quick path.
    assert.equal(cacheDirCandidate({ HOME: '/home/u' }), '/home/u/.cache/docker-credential-ecr');
    assert.equal(cacheDirCandidate({ HOME: '/home/u', AWS_ECR_CACHE_DIR: '/srv/ecr' }), '/srv/ecr');
    assert.equal(
      cacheDirCandidate({ HOME: '/home/u', XDG_CACHE_HOME: '/var/cache/u' }),
      '/var/cache/u/docker-credential-ecr',
    );
  },
);
