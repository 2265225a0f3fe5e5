// Kubelet mode's cache: one disk cache and lock shared with Docker, one API call for a burst of pod starts, and a
// cache that works without HOME (the kubelet as root).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { useFakeAws } from '../../support/use-fake-aws';
import { runExecutable } from '../../support/executable';
import { envOn, HOST, IMAGE, ok, provide, request } from './provider';

const fake = useFakeAws();
const env = envOn(fake);

test('the kubelet and Docker share one disk cache and lock: no extra calls either way', async () => {
  const e = env();
  const docker = await runExecutable(['get'], { stdin: HOST, env: e });
  assert.equal(docker.code, 0, docker.stderr);
  const kubelet = ok(await provide(request(IMAGE), e), IMAGE);
  assert.equal(kubelet.auth[HOST].password, JSON.parse(docker.stdout).Secret);
  const publicImage = 'public.ecr.aws/docker/library/alpine';
  ok(await provide(request(publicImage), e), publicImage);
  const dockerPublic = await runExecutable(['get'], { stdin: 'public.ecr.aws', env: e });
  assert.equal(dockerPublic.code, 0);
  assert.equal(fake.callsFor('ecr').length, 1);
  assert.equal(fake.callsFor('ecr-public').length, 1);
});

test('32 parallel requests (a burst of pod starts) make one API call', async (t) => {
  fake.fail('ecr', { slow: 300 }, { times: 1 });
  const e = env();
  const results = await Promise.all(Array.from({ length: 32 }, () => provide(request(IMAGE), e)));
  for (const result of results) ok(result, IMAGE);
  assert.equal(fake.callsFor('ecr').length, 1);
  t.diagnostic(
    `32 parallel kubelet requests: ${fake.callsFor('ecr').length} API call, slowest ${Math.max(...results.map((r) => r.ms)).toFixed(0)} ms`,
  );
});

test('without HOME (the kubelet as root): the cache still works', async () => {
  const e = env();
  delete (e as Record<string, string | undefined>).HOME;
  const cacheDir = join(homedir(), '.cache', 'docker-credential-ecr');
  const before = existsSync(cacheDir) ? new Set(readdirSync(cacheDir)) : new Set<string>();
  try {
    ok(await provide(request(IMAGE), e), IMAGE);
    ok(await provide(request(IMAGE), e), IMAGE);
    assert.equal(fake.callsFor('ecr').length, 1, 'the second request came from the cache');
  } finally {
    // The entries this test made (their key names the fake's endpoint); nothing else is touched.
    if (existsSync(cacheDir))
      for (const name of readdirSync(cacheDir)) if (!before.has(name)) rmSync(join(cacheDir, name), { force: true });
  }
});
