// The compiled executable itself: what its runtime (Bun) would do by default that a credential helper must not,
// and how it loads its code. Every test runs dist/docker-credential-ecr against the fake AWS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../support/use-fake-aws';
import { runExecutable } from '../support/executable';
import { tempDir } from '../support/temp';
import { helperEnv } from '../support/helper-bin';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const fake = useFakeAws();

const env = (extra: Record<string, string> = {}): Record<string, string> => ({
  ...helperEnv(fake.url, tempDir()),
  ...extra,
});
const chunksLoaded = (stderr: string): string[] => {
  const line = /chunks loaded: (.*)/.exec(stderr);
  assert.ok(line, `no "chunks loaded" line in the debug log:\n${stderr}`);
  return line[1].split(', ');
};

test('a cache hit loads no AWS SDK chunk; a miss does', async () => {
  const e = env({ DOCKER_CREDENTIAL_ECR_LOG: 'debug' });
  const miss = await runExecutable(['get'], { stdin: HOST, env: e });
  const hit = await runExecutable(['get'], { stdin: HOST, env: e });
  assert.equal(miss.code, 0, miss.stderr);
  assert.equal(hit.code, 0, hit.stderr);
  assert.equal(fake.callsFor('ecr').length, 1);
  assert.match(hit.stderr, /cache hit/);
  const sdk = (names: string[]) => names.filter((name) => name.startsWith('sdk-'));
  assert.equal(sdk(chunksLoaded(miss.stderr)).length, 1, 'a miss loads the SDK chunk');
  assert.deepEqual(sdk(chunksLoaded(hit.stderr)), [], 'a hit must not load the SDK chunk');
  // Whatever the hit loaded, the miss loaded too: the hit's code is a strict subset.
  const missChunks = new Set(chunksLoaded(miss.stderr));
  for (const name of chunksLoaded(hit.stderr)) assert.ok(missChunks.has(name), name);
  assert.ok(missChunks.size > chunksLoaded(hit.stderr).length);
});

test('files in the working directory change nothing: .env, .env.local, bunfig.toml, package.json, tsconfig.json', async () => {
  const cwd = tempDir();
  const marker = join(cwd, 'code-ran');
  const evil = join(cwd, 'evil.js');
  writeFileSync(evil, `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\n`);
  // A .env that would send the token request elsewhere with other keys, and say what Bun read.
  const dotenv = `AWS_ENDPOINT_URL_ECR=http://127.0.0.1:9\nAWS_ACCESS_KEY_ID=AKIADOTENVDOTENV0001\nDOCKER_CREDENTIAL_ECR_LOG=debug\n`;
  writeFileSync(join(cwd, '.env'), dotenv);
  writeFileSync(join(cwd, '.env.local'), dotenv);
  writeFileSync(join(cwd, '.env.production'), dotenv);
  writeFileSync(join(cwd, 'bunfig.toml'), `preload = ["./evil.js"]\n[run]\npreload = ["./evil.js"]\n`);
  writeFileSync(
    join(cwd, 'package.json'),
    JSON.stringify({ name: 'x', type: 'module', imports: { '#x': './evil.js' } }),
  );
  writeFileSync(join(cwd, 'tsconfig.json'), JSON.stringify({ compilerOptions: { paths: { '*': ['./evil.js'] } } }));

  const e = env();
  const result = await runExecutable(['get'], { stdin: HOST, env: e, cwd });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '', 'no debug log: DOCKER_CREDENTIAL_ECR_LOG from .env was not read');
  assert.equal(JSON.parse(result.stdout).Secret, fake.issued[0].password);
  assert.equal(
    fake.callsFor('ecr')[0].accessKeyId,
    e.AWS_ACCESS_KEY_ID,
    'the keys came from the environment, not .env',
  );
  assert.equal(existsSync(marker), false, 'code from the working directory ran');
});

test('BUN_OPTIONS, BUN_BE_BUN, BUN_INSPECT and NODE_OPTIONS in the environment neither break a get nor run code', async () => {
  const dir = tempDir();
  const marker = join(dir, 'code-ran');
  const evil = join(dir, 'evil.js');
  writeFileSync(evil, `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\n`);
  const cases: Record<string, string>[] = [
    { BUN_OPTIONS: '--version' },
    { BUN_OPTIONS: `--preload ${evil}` },
    { BUN_OPTIONS: '--help --eval 1' },
    { BUN_BE_BUN: '1' },
    { BUN_INSPECT: '127.0.0.1:1', BUN_INSPECT_PRELOAD: evil },
    { NODE_OPTIONS: `--require ${evil} --import ${evil}` },
    { NODE_OPTIONS: '--version' },
  ];
  const e = env();
  for (const extra of cases) {
    const label = JSON.stringify(extra);
    const result = await runExecutable(['get'], { stdin: HOST, env: { ...e, ...extra } });
    assert.equal(result.code, 0, `${label}: ${result.stderr}`);
    assert.equal(result.stderr, '', label);
    assert.deepEqual(Object.keys(JSON.parse(result.stdout)), ['ServerURL', 'Username', 'Secret'], label);
    assert.equal(existsSync(marker), false, `${label}: code ran`);
  }
  assert.equal(fake.callsFor('ecr').length, 1, 'one miss, then hits');
});

test('stdout on a full device: one line on stderr and exit 1, no stack trace', async () => {
  const full = openSync('/dev/full', 'w');
  try {
    // A miss (the token fetch, then the write fails), then a hit (the cache read, then the write fails).
    const e = env();
    for (const kind of ['miss', 'hit']) {
      const result = await runExecutable(['get'], { stdin: HOST, env: e, stdoutFd: full });
      assert.equal(result.code, 1, kind);
      assert.equal(result.stderr, 'docker-credential-ecr: cannot write to standard output: ENOSPC\n', kind);
    }
    assert.equal(fake.callsFor('ecr').length, 1, 'the miss fetched and cached a token; the hit used it');
  } finally {
    closeSync(full);
  }
});

test('a directory as stdin: "no credentials server URL", as with an empty one', async () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'sub'));
  const fd = openSync(join(dir, 'sub'), 'r');
  try {
    const result = await runExecutable(['get'], { env: env(), stdinFd: fd });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, 'no credentials server URL\n');
    assert.equal(fake.calls.length, 0);
  } finally {
    closeSync(fd);
  }
});
