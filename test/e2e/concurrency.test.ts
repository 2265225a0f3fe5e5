// Many helper processes at once, as with parallel pulls, buildx bake or a CI runner: one AWS call per cache
// key, no waiting across keys, and a cache that survives processes killed at any instant.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../support/use-fake-aws';
import { runExecutable, type ExeResult } from '../support/executable';
import { tempDir } from '../support/temp';

const fake = useFakeAws();

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'sa-east-1'];
const hostIn = (region: string) => `123456789012.dkr.ecr.${region}.amazonaws.com`;

function env(): Record<string, string> {
  return {
    HOME: tempDir(),
    AWS_ACCESS_KEY_ID: 'AKIACONCURRENCY00001',
    AWS_SECRET_ACCESS_KEY: 'concurrency-secret',
    AWS_ENDPOINT_URL_ECR: fake.url,
    AWS_EC2_METADATA_DISABLED: 'true',
    DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '10000',
  };
}

/** Figures for the closing note: printed, never asserted on (timing is measured by `npm run bench`). */
function report(t: TestContext, label: string, results: ExeResult[], calls: number): void {
  const slowest = Math.max(...results.map((r) => r.ms));
  t.diagnostic(`${label}: ${results.length} gets, ${calls} API call(s), slowest get ${slowest.toFixed(0)} ms`);
}

for (const n of [8, 32, 128]) {
  test(`${n} parallel cold gets for one registry make exactly one API call, and all succeed`, async (t) => {
    // A slow answer widens the window in which the others must wait rather than call AWS themselves.
    fake.fail('ecr', { slow: 300 }, { times: 1 });
    const e = env();
    const results = await Promise.all(
      Array.from({ length: n }, () => runExecutable(['get'], { stdin: hostIn('us-east-1'), env: e })),
    );
    assert.equal(fake.callsFor('ecr').length, 1);
    const password = fake.issued[0].password;
    for (const result of results) {
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stderr, '');
      assert.equal(JSON.parse(result.stdout).Secret, password);
    }
    report(t, `N=${n}`, results, fake.callsFor('ecr').length);
  });
}

test('different cache keys never wait on each other', async () => {
  // Each region's first call is slow; if keys shared a lock, the four fetches would queue behind each other.
  fake.fail('ecr', { slow: 800 }, { times: 4 });
  const e = env();
  const started = Date.now();
  const results = await Promise.all(
    REGIONS.flatMap((region) => [0, 1, 2].map(() => runExecutable(['get'], { stdin: hostIn(region), env: e }))),
  );
  const wall = Date.now() - started;
  for (const result of results) assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(
    fake
      .callsFor('ecr')
      .map((c) => c.region)
      .sort(),
    [...REGIONS].sort(),
  );
  // Serialised, four 800 ms fetches would need 3.2 s; in parallel they overlap.
  assert.ok(wall < 3_200, `wall ${wall} ms: fetches for different keys were serialised`);
});

test('200 gets across 4 registries with random SIGKILLs leave a cache the next get uses correctly', async (t) => {
  fake.fail('ecr', { slow: 40 }, { times: 1_000 });
  // The kill window comes from this machine and this executable: the median run time of a lone cache hit, the
  // fastest a get can be. Kills land uniformly before it; in batches of 20 every get takes at least that long, so
  // nearly every kill hits a running process (start-up, cache read, lock, the AWS call, the cache write),
  // whatever the runtime's speed. Measured in a cache of its own.
  const calibration = env();
  await runExecutable(['get'], { stdin: hostIn(REGIONS[0]), env: calibration });
  const lone: number[] = [];
  for (let i = 0; i < 7; i++)
    lone.push((await runExecutable(['get'], { stdin: hostIn(REGIONS[0]), env: calibration })).ms);
  const window = lone.sort((a, b) => a - b)[3];
  const e = env();
  let killed = 0;
  let attempted = 0;
  for (let round = 0; round < 10; round++) {
    const batch = Array.from({ length: 20 }, (_, i) => {
      const kill = Math.random() < 0.9 ? Math.floor(Math.random() * window) : undefined;
      if (kill !== undefined) attempted++;
      return runExecutable(['get'], {
        stdin: hostIn(REGIONS[(round * 20 + i) % REGIONS.length]),
        env: e,
        ...(kill === undefined ? {} : { killAfterMs: kill }),
      });
    });
    for (const result of await Promise.all(batch)) {
      if (result.signal === 'SIGKILL') {
        killed++;
        continue;
      }
      assert.equal(result.code, 0, result.stderr);
    }
    if (round === 4) {
      // A corrupt entry mid-run (as a crash on a filesystem without atomic rename might leave) must be
      // discarded and rewritten, not served and not fatal.
      const dir = join(e.HOME, '.cache', 'docker-credential-ecr');
      for (const name of readdirSync(dir)
        .filter((n) => n.endsWith('.json'))
        .slice(0, 1))
        writeFileSync(join(dir, name), '{"version":1,"passw');
      // One get per registry that is not killed: whichever key was corrupted is read now, discarded and rewritten.
      // (Left to the chaos alone, every later get for that key may be killed before it rewrites: 0.9^25.)
      for (const region of REGIONS) {
        const result = await runExecutable(['get'], { stdin: hostIn(region), env: e });
        assert.equal(result.code, 0, `${region} after a corrupt entry: ${result.stderr}`);
      }
    }
  }
  t.diagnostic(
    `kill window ${window.toFixed(1)} ms (median lone cache hit); ${attempted} kills sent, ${killed} landed mid-flight`,
  );
  assert.ok(killed > 100, `only ${killed} of 200 processes were killed mid-flight`);
  const issuedDuringChaos = fake.issued.map((token) => `${token.region} ${token.password}`);
  fake.reset();

  // Every file under the final name is a whole entry: never a half-written one.
  const dir = join(e.HOME, '.cache', 'docker-credential-ecr');
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const entry = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    assert.equal(entry.version, 1, name);
  }

  // The next get for each registry is correct: a token the fake issued for that region (cached or fresh), and
  // a get after that is served from the cache.
  for (const region of REGIONS) {
    const first = await runExecutable(['get'], { stdin: hostIn(region), env: e });
    assert.equal(first.code, 0, first.stderr);
    const secret = JSON.parse(first.stdout).Secret as string;
    const issued = [...issuedDuringChaos, ...fake.issued.map((token) => `${token.region} ${token.password}`)];
    assert.ok(
      issued.includes(`${region} ${secret}`),
      `${region}: the token served is not one the fake issued for that region`,
    );
    const callsBefore = fake.calls.length;
    const second = await runExecutable(['get'], { stdin: hostIn(region), env: e });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(JSON.parse(second.stdout).Secret, JSON.parse(first.stdout).Secret);
    assert.equal(fake.calls.length, callsBefore, `second get for ${region} must be a cache hit`);
  }
  t.diagnostic(`chaos: 200 gets, ${killed} killed with SIGKILL, ${issuedDuringChaos.length} API calls`);
});

// A crowd is when throttling happens (a node starting 30 pods, a CI fan-out). The lock holder's failure reaches
// its waiters: they fail with its message, and the API sees only the holder's own attempts (3, the SDK's retries).
test("16 parallel gets against a throttled API: the holder's 3 attempts, everyone fails with its message", async (t) => {
  fake.fail('ecr', 'throttle');
  const e = env();
  const results = await Promise.all(
    Array.from({ length: 16 }, () => runExecutable(['get'], { stdin: hostIn('us-east-1'), env: e })),
  );
  const calls = fake.callsFor('ecr').length;
  report(t, 'throttled API', results, calls);
  assert.ok(calls <= 3, `the holder's own attempts only, not one set per process (made ${calls})`);
  const messages = new Set(results.map((r) => r.stderr));
  assert.equal(messages.size, 1, `one message for all: ${[...messages].join(' | ')}`);
  assert.match([...messages][0], /AWS throttled the token request/);
  assert.ok(results.every((r) => r.code === 1 && !r.stdout.includes('Secret')));
  // A newcomer within a few seconds shares the failure too, without a call of its own.
  const late = await runExecutable(['get'], { stdin: hostIn('us-east-1'), env: e });
  assert.equal(late.code, 1);
  assert.match(late.stderr, /AWS throttled/);
  assert.equal(fake.callsFor('ecr').length, calls, 'no new call within the shared-failure window');
  // Another region is another key: never failed by this one.
  const other = await runExecutable(['get'], { stdin: hostIn('eu-west-1'), env: e });
  assert.equal(other.code, 1);
  assert.ok(fake.callsFor('ecr').length > calls, 'another key asks AWS itself');
});

test('8 parallel gets against a hanging API: nobody waits past the timeout, one attempt chain', async (t) => {
  fake.fail('ecr', 'hang');
  const e = { ...env(), DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '3000' };
  const results = await Promise.all(
    Array.from({ length: 8 }, () => runExecutable(['get'], { stdin: hostIn('us-east-1'), env: e })),
  );
  const calls = fake.callsFor('ecr').length;
  report(t, 'hanging API, 3000 ms timeout', results, calls);
  assert.ok(results.every((r) => r.code === 1));
  for (const r of results) assert.match(r.stderr, /the ECR API did not answer in time/);
  assert.ok(calls <= 3, `only the holder asked AWS (made ${calls})`);
  // Bounded: the timeout plus process start-up and scheduling on a loaded 2-core machine, not twice the timeout.
  const slowest = Math.max(...results.map((r) => r.ms));
  assert.ok(slowest < 3000 + 2500, `slowest ${slowest.toFixed(0)} ms`);
});

test('a failure is not shared once the next fetch succeeds, and a success clears it', async () => {
  fake.fail('ecr', 'access-denied', { times: 1 });
  const e = env();
  const first = await runExecutable(['get'], { stdin: hostIn('us-east-1'), env: e });
  assert.equal(first.code, 1);
  assert.match(first.stderr, /AccessDenied|not authorized|ecr:GetAuthorizationToken/);
  // Within the window the failure is shared; after `docker logout` (erase) the next get asks AWS again.
  const erase = await runExecutable(['erase'], { stdin: hostIn('us-east-1'), env: e });
  assert.equal(erase.code, 0);
  const second = await runExecutable(['get'], { stdin: hostIn('us-east-1'), env: e });
  assert.equal(second.code, 0, second.stderr);
  const cache = join(e.HOME, '.cache', 'docker-credential-ecr');
  assert.deepEqual(
    readdirSync(cache).filter((n) => n.endsWith('.failed')),
    [],
  );
});

test('a lock left by a process on another host (a shared cache volume) is taken over after its timeout, and a wait names it', async () => {
  const e: Record<string, string> = { ...env(), DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '3000' };
  const host = hostIn('us-east-1');
  assert.equal((await runExecutable(['get'], { stdin: host, env: e })).code, 0);
  const cache = join(e.HOME, '.cache', 'docker-credential-ecr');
  const id = readdirSync(cache)
    .find((n) => n.endsWith('.json'))!
    .slice(0, -'.json'.length);
  await runExecutable(['erase'], { stdin: host, env: e });
  // Fresh: the holder on build-pod-7f9c may still be fetching; we wait our budget and say who holds it.
  writeFileSync(join(cache, `${id}.lock`), `4242 build-pod-7f9c ${Date.now()}\n`);
  const waited = await runExecutable(['get'], { stdin: host, env: e });
  assert.equal(waited.code, 1);
  assert.match(
    waited.stderr,
    /another docker-credential-ecr process \(pid 4242 on build-pod-7f9c\) was fetching it and had not finished/,
  );
  assert.equal(fake.callsFor('ecr').length, 1, 'no call while another host holds the lock');
  // Older than its timeout and a margin: its holder is gone; taken over at once.
  writeFileSync(join(cache, `${id}.lock`), `4242 build-pod-7f9c ${Date.now() - 6_000}\n`);
  const took = await runExecutable(['get'], { stdin: host, env: e });
  assert.equal(took.code, 0, took.stderr);
  assert.ok(took.ms < 2_500, `taken over at once (${took.ms.toFixed(0)} ms)`);
});

test('a shared failure names its own host: another registry under the same key asks AWS itself', async () => {
  fake.fail('ecr', 'access-denied', { times: 1 });
  const e = env();
  const first = await runExecutable(['get'], { stdin: hostIn('us-east-1'), env: e });
  assert.equal(first.code, 1);
  // Another account's registry in the same region: same identity and key, another host.
  const other = await runExecutable(['get'], { stdin: '210987654321.dkr.ecr.us-east-1.amazonaws.com', env: e });
  assert.equal(other.code, 0, other.stderr);
  assert.equal(fake.callsFor('ecr').length, 2);
});
