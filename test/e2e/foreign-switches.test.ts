// Environment variables that other tools set, and that would make the runtime or the code we bundle print a
// secret, skip TLS verification or crash: with the built executable against the fake AWS (a miss through the
// fake's CONNECT proxy, which terminates TLS with a certificate only AWS_CA_BUNDLE trusts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { useFakeAws } from '../support/use-fake-aws';
import { EXECUTABLE, runExecutable } from '../support/executable';
import { spawn, spawnSync } from 'node:child_process';
import { tempDir } from '../support/temp';
import { helperEnv } from '../support/helper-bin';

const fake = useFakeAws();
const FIPS_HOST = '123456789012.dkr.ecr-fips.us-east-1.amazonaws.com';
const PROXY_PASSWORD = 'proxy-password-do-not-print';
const SESSION_TOKEN = 'session-token-do-not-print-0123456789';

/** Through the fake's proxy, with a password in the proxy URL and a session token: all that debug output would show. */
function proxiedEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { ...helperEnv(fake.url, tempDir()), AWS_SESSION_TOKEN: SESSION_TOKEN, ...extra };
  delete env.AWS_ENDPOINT_URL_ECR;
  env.HTTPS_PROXY = fake.url.replace('http://', `http://proxyuser:${PROXY_PASSWORD}@`);
  return env;
}

const EVERY_DEBUG_SWITCH = {
  DEBUG: '*',
  DEBUG_COLORS: '0',
  DEBUG_DEPTH: '10',
  NODE_DEBUG: 'http,https,net,tls,fetch,child_process',
  NODE_DEBUG_NATIVE: 'fs',
  BUN_CONFIG_VERBOSE_FETCH: 'curl',
  BUN_JSC_dumpOptions: '0',
  AWS_SDK_JS_LOG: 'debug',
};

function assertNoSecret(text: string, where: string): void {
  for (const secret of [
    PROXY_PASSWORD,
    SESSION_TOKEN,
    'e2e-secret-access-key-do-not-print',
    'AWS4-HMAC-SHA256',
    'Signature=',
  ]) {
    assert.equal(text.includes(secret), false, `${where} shows ${secret}:\n${text}`);
  }
  assert.doesNotMatch(text, /x-amz-security-token|authorization:/i, where);
}

test('every debug switch set: a miss through a password-protected proxy prints no secret, and the answer is intact', async () => {
  for (const level of ['warn', 'debug']) {
    const env = proxiedEnv({ ...EVERY_DEBUG_SWITCH, AWS_CA_BUNDLE: fake.caFile, DOCKER_CREDENTIAL_ECR_LOG: level });
    const result = await runExecutable(['get'], { stdin: FIPS_HOST, env });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(Object.keys(JSON.parse(result.stdout)), ['ServerURL', 'Username', 'Secret']);
    assert.equal(fake.callsFor('ecr').at(-1)!.viaProxy, true, 'the request went through the proxy');
    assertNoSecret(result.stderr, `stderr at ${level}`);
    if (level === 'warn') assert.equal(result.stderr, '', 'nothing at all on stderr at the default level');
  }
});

test('NODE_TLS_REJECT_UNAUTHORIZED=0, NODE_EXTRA_CA_CERTS, SSL_CERT_FILE and SSL_CERT_DIR are ignored: TLS is verified against AWS_CA_BUNDLE only', async () => {
  const env = proxiedEnv({
    NODE_TLS_REJECT_UNAUTHORIZED: '0',
    NODE_EXTRA_CA_CERTS: fake.caFile,
    SSL_CERT_FILE: fake.caFile,
    SSL_CERT_DIR: dirname(fake.caFile),
  });
  const refused = await runExecutable(['get'], { stdin: FIPS_HOST, env });
  assert.equal(refused.code, 1, 'an untrusted certificate is refused');
  assert.match(refused.stderr, /TLS to the ECR API endpoint .*failed \(/);
  assert.equal(fake.callsFor('ecr').length, 0, 'no request reached the interceptor');
  const trusted = await runExecutable(['get'], { stdin: FIPS_HOST, env: { ...env, AWS_CA_BUNDLE: fake.caFile } });
  assert.equal(trusted.code, 0, trusted.stderr);
});

test('SSL_CERT_FILE as a FIFO or /dev/zero is never read: the request answers at once', async () => {
  const fifo = join(tempDir(), 'ca-fifo');
  spawnSync('mkfifo', [fifo]);
  for (const file of [fifo, '/dev/zero']) {
    // No AWS_CA_BUNDLE: the runtime's own trust store is what would have read SSL_CERT_FILE. The fake's certificate
    // is then untrusted, which is the answer, at once.
    const env = proxiedEnv({ SSL_CERT_FILE: file, SSL_CERT_DIR: file, DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '3000' });
    const result = await runExecutable(['get'], { stdin: FIPS_HOST, env, killAfterMs: 8_000 });
    assert.equal(result.signal, null, `${file}: killed after 8 s (the runtime read it)`);
    assert.equal(result.code, 1, `${file}: ${result.stderr}`);
    assert.match(result.stderr, /TLS to the ECR API endpoint .*failed \(/, file);
  }
});

test('runtime switches (BUN_JSC_*, BUN_FEATURE_FLAG_*, crash reporting) change nothing on stdout', async () => {
  const env = {
    ...helperEnv(fake.url, tempDir()),
    BUN_JSC_dumpOptions: '1',
    BUN_JSC_useJIT: '0',
    BUN_FEATURE_FLAG_DISABLE_IPV4: '1',
    BUN_ENABLE_CRASH_REPORTING: '1',
    BUN_CRASH_REPORT_URL: 'http://127.0.0.1:9/report',
    BUN_GARBAGE_COLLECTOR_LEVEL: '2',
  };
  const miss = await runExecutable(['get'], { stdin: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', env });
  assert.equal(miss.code, 0, miss.stderr);
  assert.deepEqual(Object.keys(JSON.parse(miss.stdout)), ['ServerURL', 'Username', 'Secret']);
  const hit = await runExecutable(['get'], { stdin: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', env });
  assert.equal(hit.stdout, miss.stdout);
  assert.equal(fake.callsFor('ecr').length, 1);
});

test("the runtime's file-writing switches (BUN_BYTECODE_ORDER_OUT and kin) write nothing", async () => {
  const dir = tempDir();
  const outputs = {
    BUN_BYTECODE_ORDER_OUT: join(dir, 'order'),
    BUN_BYTECODE_ORDER_NAMES_OUT: join(dir, 'names'),
    BUN_BYTECODE_DIGEST_OUT: join(dir, 'digest'),
  };
  const env = { ...helperEnv(fake.url, tempDir()), ...outputs };
  for (let i = 0; i < 2; i++)
    assert.equal(
      (await runExecutable(['get'], { stdin: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', env })).code,
      0,
    );
  assert.deepEqual(readdirSync(dir), [], 'a file was written where the environment said');
});

test('an endpoint URL with user info never shows its password: not in debug output, not in the cache file', async () => {
  const home = tempDir();
  const env: Record<string, string> = { ...helperEnv(fake.url, home), DOCKER_CREDENTIAL_ECR_LOG: 'debug' };
  env.AWS_ENDPOINT_URL_ECR = fake.url.replace('http://', 'http://apiuser:endpoint-password-do-not-print@');
  const result = await runExecutable(['get'], { stdin: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', env });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr.includes('endpoint-password-do-not-print'), false, result.stderr);
  assert.match(result.stderr, /via http:\/\/\*\*\*@127\.0\.0\.1/);
  const cache = join(home, '.cache', 'docker-credential-ecr');
  assert.ok(readdirSync(cache).length > 0, 'the token was cached: there is a file to check');
  for (const name of readdirSync(cache))
    assert.equal(readFileSync(join(cache, name), 'utf8').includes('endpoint-password'), false, name);
});

test('MIMALLOC_* and BUN_JSC_* restart the executable without them: the answer is intact, and a signal reaches the run that answers', async () => {
  const env = {
    ...helperEnv(fake.url, tempDir()),
    MIMALLOC_VERBOSE: '1',
    mimalloc_show_stats: '1',
    BUN_JSC_useJIT: '0',
  };
  const result = await runExecutable(['get'], { stdin: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', env });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(Object.keys(JSON.parse(result.stdout)), ['ServerURL', 'Username', 'Secret']);
  // The allocator prints its options when the first process starts, before any code of ours can run; the run that
  // answers (the second) was started without them, so the lines come once, not twice.
  assert.equal(result.stderr.split('mimalloc: process init').length - 1, 1, result.stderr);
  // SIGTERM to the first process reaches the second (which waits for stdin here), and the first ends by it.
  const child = spawn(EXECUTABLE, ['get'], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, sig) => done(sig)));
  let second = '';
  try {
    await new Promise((done) => setTimeout(done, 500));
    second = spawnSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).stdout.trim();
    assert.match(second, /^\d+$/, 'the first process started a second');
    child.kill('SIGTERM');
    assert.equal(await exited, 'SIGTERM');
    await new Promise((done) => setTimeout(done, 200));
    assert.throws(() => process.kill(Number(second), 0), 'the second process is gone too');
  } finally {
    // A failed check must not leave either waiting on stdin, holding the test run open.
    child.kill('SIGKILL');
    if (/^\d+$/.test(second)) spawnSync('kill', ['-9', second]);
  }
});
