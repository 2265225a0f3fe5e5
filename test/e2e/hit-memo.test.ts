// The memo of a cache hit (src/memo/hit-memo.ts, src/fast-hit.ts), with the built executable against the fake
// AWS: a hit served from it answers exactly as the full path does, and every input of the decision that changes
// (a file read, one appearing, the environment, the request, the cache directory's safety, the token's age) sends
// the request down the full path again. To see which path answered, a test marks the memo's answer (the server
// URL it echoes): only an answer from the memo carries the mark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../support/use-fake-aws';
import { runExecutable, type ExeResult } from '../support/executable';
import { fromMemo, get, HOST, mark, memoFiles, primed, setupWith, type Setup } from '../support/hit-memo';

const fake = useFakeAws({ resetEach: true });
const setup = (extra: Record<string, string> = {}): Setup => setupWith(fake.url, extra);

test('a hit from the memo answers byte for byte as the full path does, with no API call and nothing on stderr', async () => {
  const s = setup();
  const { memo, answer } = await primed(s);
  const quick = await get(s.env);
  assert.equal(quick.code, 0, quick.stderr);
  assert.equal(quick.stdout, answer);
  assert.equal(quick.stderr, '');
  mark(memo);
  const marked = await get(s.env);
  assert.ok(fromMemo(marked), `the third get did not come from the memo: ${marked.stdout}`);
  assert.equal(fake.callsFor('ecr').length, 1);
  // Files the decision read, present and unchanged (an AWS config, a helper config): still the memo.
  const withFiles = setup();
  writeFileSync(withFiles.env.AWS_CONFIG_FILE, '[default]\nregion = eu-west-1\n');
  mkdirSync(join(withFiles.home, '.config', 'docker-credential-ecr'), { recursive: true });
  writeFileSync(join(withFiles.home, '.config', 'docker-credential-ecr', 'config.json'), '{}\n');
  await new Promise((done) => setTimeout(done, 2_100)); // not vouched for within 2 s of a change (FAT's tick)
  const primedWithFiles = await primed(withFiles);
  mark(primedWithFiles.memo);
  assert.ok(fromMemo(await get(withFiles.env)), 'present, unchanged files keep the memo valid');
  // Variables that shells and hyperfine change on every run are not inputs: still the memo.
  const shell = await get({
    ...s.env,
    PWD: '/somewhere/else',
    OLDPWD: '/',
    SHLVL: '3',
    _: '/usr/bin/docker',
    HYPERFINE_RANDOMIZED_ENVIRONMENT_OFFSET: 'XXXX',
  });
  assert.ok(fromMemo(shell), shell.stdout);
});

test('kubelet mode: a hit from the memo answers as the full path does', async () => {
  const s = setup();
  const request = JSON.stringify({
    kind: 'CredentialProviderRequest',
    apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
    image: `${HOST}/app:1`,
  });
  const run = () => runExecutable(['kubelet-credential-provider'], { stdin: request, env: s.env });
  assert.equal((await run()).code, 0);
  const hit = await run();
  assert.equal(hit.code, 0, hit.stderr);
  const [name] = memoFiles(s.cache);
  assert.ok(name);
  const quick = await run();
  // The same answer but for cacheDuration, which counts down.
  const strip = (text: string) => text.replace(/"cacheDuration":"[^"]*"/, '');
  assert.equal(strip(quick.stdout), strip(hit.stdout));
  assert.match(quick.stdout, /"cacheDuration":"(11h|[1-9]h)/);
  mark(join(s.cache, name), 'authKey');
  const marked = await run();
  assert.ok(fromMemo(marked), marked.stdout);
  assert.equal(fake.callsFor('ecr').length, 1);
});

// Each case: a set-up, a change after the memo was written, and what the full path then answers.
// `fails`: the full path refuses to answer, with this message and exit 1.
const changes: Array<{
  name: string;
  before?: (s: Setup) => void;
  change: (s: Setup, memo: string) => void | Promise<void>;
  expect?: (r: ExeResult, s: Setup) => void;
  fails?: RegExp;
}> = [
  {
    name: 'an AWS config file appears where there was none',
    change: (s) => writeFileSync(s.env.AWS_CONFIG_FILE, '[default]\nregion = eu-west-1\n'),
  },
  {
    name: 'the AWS config file changes, same size, within the same second',
    before: (s) => writeFileSync(s.env.AWS_CONFIG_FILE, '[default]\nregion = eu-west-1\n'),
    change: (s) => writeFileSync(s.env.AWS_CONFIG_FILE, '[default]\nregion = eu-west-2\n'),
  },
  {
    name: 'the AWS config file is replaced by a link to another file (a Kubernetes ..data swap)',
    before: (s) => {
      writeFileSync(join(s.home, 'config-1'), '[default]\nregion = eu-west-1\n');
      writeFileSync(join(s.home, 'config-2'), '[default]\nregion = eu-west-1\n');
      symlinkSync(join(s.home, 'config-1'), s.env.AWS_CONFIG_FILE);
    },
    change: (s) => {
      rmSync(s.env.AWS_CONFIG_FILE);
      symlinkSync(join(s.home, 'config-2'), s.env.AWS_CONFIG_FILE);
    },
  },
  {
    name: "the helper's own config file appears",
    change: (s) => {
      mkdirSync(join(s.home, '.config', 'docker-credential-ecr'), { recursive: true });
      writeFileSync(join(s.home, '.config', 'docker-credential-ecr', 'config.json'), '{}\n');
    },
  },
  {
    name: 'the AWS config file becomes a FIFO: no hang, the full path refuses it, naming it',
    before: (s) => writeFileSync(s.env.AWS_CONFIG_FILE, '[default]\nregion = eu-west-1\n'),
    change: (s) => {
      rmSync(s.env.AWS_CONFIG_FILE);
      execFileSync('mkfifo', [s.env.AWS_CONFIG_FILE]);
    },
    fails: /the AWS config file .* cannot be read \(not a regular file/,
  },
  {
    name: 'the cache directory becomes writable by the group (the full path does not use it, and says so)',
    change: (s) => chmodSync(s.cache, 0o770),
    expect: (r) => assert.match(r.stderr, /writable by group or others/),
  },
  {
    name: 'the token is due for refresh',
    change: (s, memo) => {
      const soon = { fetchedAt: Date.now() - 10_000, expiresAt: Date.now() + 1_000 };
      const value = JSON.parse(readFileSync(memo, 'utf8')) as { keyId: string; token: Record<string, unknown> };
      writeFileSync(memo, JSON.stringify({ ...value, token: { ...value.token, ...soon } }));
      const entry = join(s.cache, `${value.keyId}.json`);
      writeFileSync(entry, JSON.stringify({ ...JSON.parse(readFileSync(entry, 'utf8')), ...soon }));
    },
    expect: () => assert.equal(fake.callsFor('ecr').length, 2, 'a new token was fetched'),
  },
  {
    name: 'the memo is a FIFO (never opened: no hang)',
    change: (_s, memo) => {
      rmSync(memo);
      execFileSync('mkfifo', ['-m', '600', memo]);
    },
  },
  {
    name: 'the memo is a directory (its size passes the synchronous stat; the read is refused)',
    change: (_s, memo) => {
      rmSync(memo);
      mkdirSync(memo, { mode: 0o700 });
    },
  },
  {
    name: 'the memo is larger than 64 KiB',
    change: (_s, memo) =>
      writeFileSync(memo, `${readFileSync(memo, 'utf8').slice(0, -1)},"padding":"${'x'.repeat(70_000)}"}`),
  },
  {
    name: 'the memo is a link to /dev/zero (never opened)',
    change: (_s, memo) => {
      rmSync(memo);
      symlinkSync('/dev/zero', memo);
    },
  },
  {
    name: 'the memo names another cache directory',
    change: (_s, memo) => {
      const value = JSON.parse(readFileSync(memo, 'utf8')) as Record<string, unknown>;
      writeFileSync(memo, JSON.stringify({ ...value, cacheDir: '/elsewhere' }));
    },
  },
  {
    name: 'the memo is not JSON',
    change: (_s, memo) => writeFileSync(memo, '{"version":1,'),
  },
];

for (const c of changes) {
  test(`after the memo: ${c.name}${c.fails ? '' : ', and the full path answers'}`, async () => {
    const s = setup();
    if (c.before) {
      c.before(s);
      // A file changed within 2 s of a run is not vouched for (a coarse clock could hide a same-size rewrite).
      await new Promise((done) => setTimeout(done, 2_100));
    }
    const { memo } = await primed(s);
    mark(memo);
    await c.change(s, memo);
    // Killed if it hangs (a FIFO opened where a file was expected would), so that a hang fails this test.
    const r = await runExecutable(['get'], { stdin: HOST, env: s.env, killAfterMs: 15_000 });
    assert.equal(r.signal, null, `the get hung: ${r.stderr}`);
    if (c.fails) {
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, c.fails);
      assert.ok(!fromMemo(r), `answered from the memo: ${r.stdout}`);
      return;
    }
    assert.equal(r.code, 0, r.stderr);
    c.expect?.(r, s);
    assert.ok(!fromMemo(r), `answered from the memo: ${r.stdout}`);
    assert.equal((JSON.parse(r.stdout) as { ServerURL: string }).ServerURL, HOST);
  });
}

test('another environment, another request, debug logging: never the memo of another', async () => {
  const s = setup();
  const { memo } = await primed(s);
  mark(memo);
  const otherKey = await get({ ...s.env, AWS_ACCESS_KEY_ID: 'AKIAE2ETESTKEY000002' });
  assert.equal(otherKey.code, 0, otherKey.stderr);
  assert.ok(!fromMemo(otherKey));
  assert.equal(fake.callsFor('ecr').length, 2, 'another key is another identity: its own token');
  const otherHost = await get(s.env, `https://${HOST}`);
  assert.ok(!fromMemo(otherHost));
  assert.equal((JSON.parse(otherHost.stdout) as { ServerURL: string }).ServerURL, `https://${HOST}`);
  const debug = await get({ ...s.env, DOCKER_CREDENTIAL_ECR_LOG: 'debug' });
  assert.ok(!fromMemo(debug));
  assert.match(debug.stderr, /cache hit/);
  // A run that logs more than warnings writes no memo: a run from it would not say the same.
  const again = await get({ ...s.env, DOCKER_CREDENTIAL_ECR_LOG: 'debug' });
  assert.match(again.stderr, /cache hit/);
});

test('a request with a NUL and a variable in it never passes for the same request with that variable set', async () => {
  const s = setup();
  const { memo } = await primed(s);
  mark(memo);
  const { AWS_ACCESS_KEY_ID: key, ...withoutKey } = s.env;
  const r = await get(withoutKey, `${HOST}\0AWS_ACCESS_KEY_ID=${key}`);
  assert.ok(!fromMemo(r), r.stdout);
  assert.equal(r.code, 1);
});

test('without HOME (the home from the password database, which no memo covers), no memo is written or used', async () => {
  const s = setup();
  const env: Record<string, string> = { ...s.env, AWS_ECR_CACHE_DIR: s.cache };
  delete env.HOME;
  for (let i = 0; i < 3; i++) assert.equal((await get(env)).code, 0);
  assert.deepEqual(memoFiles(s.cache), []);
});

test('erase (docker logout) forgets the memos too: the next get fetches', async () => {
  const s = setup();
  await primed(s);
  const erase = await runExecutable(['erase'], { stdin: HOST, env: s.env });
  assert.equal(erase.code, 0, erase.stderr);
  assert.deepEqual(memoFiles(s.cache), []);
  assert.equal((await get(s.env)).code, 0);
  assert.equal(fake.callsFor('ecr').length, 2);
});

test('stdout on a full device, on a hit from the memo: one line on stderr and exit 1', async () => {
  const s = setup();
  const { memo } = await primed(s);
  mark(memo);
  const full = openSync('/dev/full', 'w');
  try {
    const r = await runExecutable(['get'], { stdin: HOST, env: s.env, stdoutFd: full });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'docker-credential-ecr: cannot write to standard output: ENOSPC\n');
  } finally {
    closeSync(full);
  }
});
