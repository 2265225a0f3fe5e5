// Root with a HOME that belongs to another user (sudo -E), with the built executable against the fake AWS: nothing is
// created in that user's tree, and the cache is in root's own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { useFakeAws } from '../../support/use-fake-aws';
import { runExecutable } from '../../support/executable';
import { tempDir } from '../../support/temp';
import { helperEnv } from '../../support/helper-bin';
import { HOST } from './hostile-file';

const fake = useFakeAws();

/**
 * Runs `check` as root with a HOME owned by another user, then removes whatever it left in root's own cache (the
 * place such runs cache in), so the machine's root account is left as it was.
 */
async function withForeignHome(check: (home: string) => Promise<void>): Promise<void> {
  const home = tempDir();
  chownSync(home, 12345, 12345);
  const rootCache = join(userInfo().homedir, '.cache', 'docker-credential-ecr');
  const before = new Set(existsSync(rootCache) ? readdirSync(rootCache) : []);
  try {
    await check(home);
  } finally {
    for (const name of existsSync(rootCache) ? readdirSync(rootCache) : [])
      if (!before.has(name)) rmSync(join(rootCache, name), { force: true });
  }
}

const NEEDS_ROOT = { skip: process.getuid?.() !== 0 && 'needs root' };

test(
  "root with another user's HOME (sudo -E) creates nothing in that home; its cache is in root's own",
  NEEDS_ROOT,
  () =>
    withForeignHome(async (home) => {
      const env = helperEnv(fake.url, home);
      const first = await runExecutable(['get'], { stdin: HOST, env });
      assert.equal(first.code, 0, first.stderr);
      assert.equal(first.stderr, '');
      assert.deepEqual(readdirSync(home), [], "nothing created in the user's home");
      const second = await runExecutable(['get'], { stdin: HOST, env });
      assert.equal(second.stdout, first.stdout);
      assert.equal(fake.callsFor('ecr').length, 1, "a hit from root's own cache");
    }),
);

test(
  "root never creates a directory in another user's tree: not under an XDG_CACHE_HOME or AWS_ECR_CACHE_DIR still to be made there",
  NEEDS_ROOT,
  () =>
    withForeignHome(async (home) => {
      for (const extra of [{ XDG_CACHE_HOME: join(home, '.cache') }, { AWS_ECR_CACHE_DIR: join(home, 'ecr-cache') }]) {
        const result = await runExecutable(['get'], { stdin: HOST, env: { ...helperEnv(fake.url, home), ...extra } });
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(readdirSync(home), [], `${JSON.stringify(extra)}: something was created in the user's home`);
      }
    }),
);
