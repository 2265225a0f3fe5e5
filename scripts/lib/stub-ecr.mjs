// A stand-in for the ECR API on 127.0.0.1 and a way to run the helper against it as Docker does (one argument,
// the registry host on stdin, a controlled environment), for the build's and the release's smoke test and
// test/release/.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fail } from '../compile.mjs';

export const REGISTRY = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
export const STUB_PASSWORD = 'release-stub-password';

/** Answers GetAuthorizationToken with a 12-hour token; counts the calls. */
export async function startStubEcr() {
  let calls = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const ok = target === 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken';
      if (ok) calls++;
      const data = {
        authorizationToken: Buffer.from(`AWS:${STUB_PASSWORD}`).toString('base64'),
        expiresAt: Math.floor(Date.now() / 1000) + 12 * 3600,
        proxyEndpoint: `https://${REGISTRY}`,
      };
      res.writeHead(ok ? 200 : 400, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(
        JSON.stringify(ok ? { authorizationData: [data] } : { __type: 'UnknownOperationException', message: target }),
      );
    });
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    calls: () => calls,
    close: () => new Promise((done) => server.close(done)),
  };
}

/**
 * A fresh HOME and the environment that points the helper at the stub (nothing else leaks in). The access key
 * id is new each time, so the cache key is too: on Windows the cache is under %LOCALAPPDATA%, which a fresh
 * HOME does not move, and a smoke test run twice on one machine must still see a miss first.
 */
export function stubEnv(stub, extra = {}) {
  const home = mkdtempSync(join(tmpdir(), 'dce-release-home-'));
  return {
    home,
    env: {
      // Windows programs need these (SystemRoot for sockets and crypto, the profile for the cache); absent elsewhere.
      ...Object.fromEntries(
        ['SystemRoot', 'windir', 'TEMP', 'TMP', 'USERPROFILE', 'LOCALAPPDATA', 'APPDATA', 'PATHEXT']
          .filter((k) => process.env[k])
          .map((k) => [k, process.env[k]]),
      ),
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_ECR: stub.url,
      AWS_ACCESS_KEY_ID: `AKIASMOKE${randomBytes(6).toString('hex').toUpperCase()}`,
      AWS_SECRET_ACCESS_KEY: 'release-smoke-secret',
      ...extra,
    },
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
}

/** Runs a command with stdin, without blocking the event loop (the stub answers from this process). */
export function run(cmd, args, { env, stdin = '', timeoutMs = 60_000, cwd } = {}) {
  const started = performance.now();
  return new Promise((done) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.stdin.on('error', () => undefined);
    child.on('error', (e) => {
      clearTimeout(timer);
      done({ status: null, signal: null, stdout, stderr, error: e, timedOut, ms: performance.now() - started });
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      done({ status, signal, stdout, stderr, error: undefined, timedOut, ms: performance.now() - started });
    });
    child.stdin.end(stdin);
  });
}

/** A one-line account of a run, for failure messages. */
export const describeRun = (r) =>
  `${r.error ? `error ${r.error.message}` : r.timedOut ? 'timed out' : `exit ${r.status ?? r.signal}`}, stdout ${JSON.stringify(r.stdout)}, stderr:\n${r.stderr.trim()}`;

/** The answer a `get` must print for the stub's token. */
export const isStubAnswer = (stdout) => {
  try {
    const a = JSON.parse(stdout);
    return a.ServerURL === REGISTRY && a.Username === 'AWS' && a.Secret === STUB_PASSWORD;
  } catch {
    return false;
  }
};

/**
 * `version`, then `get` twice against a fresh stub: the first must fetch (one API call), the second must be a
 * cache hit (no further call). `command` is [executable, ...leading args] (e.g. ['qemu-aarch64-static', exe]).
 * Returns { version, miss, hit, calls } and never throws for a failing helper: the caller asserts.
 */
export async function versionMissHit(command, { extraEnv = {}, timeoutMs = 60_000 } = {}) {
  const [cmd, ...lead] = command;
  const stub = await startStubEcr();
  const { env, cleanup } = stubEnv(stub, extraEnv);
  try {
    const version = await run(cmd, [...lead, 'version'], { env, timeoutMs });
    const miss = await run(cmd, [...lead, 'get'], { env, stdin: REGISTRY, timeoutMs });
    const callsAfterMiss = stub.calls();
    const hit = await run(cmd, [...lead, 'get'], { env, stdin: REGISTRY, timeoutMs });
    return { version, miss, hit, callsAfterMiss, callsAfterHit: stub.calls() };
  } finally {
    cleanup();
    await stub.close();
  }
}

/**
 * `n` parallel `get`s of one registry against a fresh stub and a cold cache, as a `docker compose pull` makes:
 * the lock lets one of them call the API and the rest read its token. Returns { runs, calls, ms }.
 */
export async function crowd(command, { n = 16, extraEnv = {}, timeoutMs = 60_000 } = {}) {
  const [cmd, ...lead] = command;
  const stub = await startStubEcr();
  const { env, cleanup } = stubEnv(stub, extraEnv);
  try {
    const started = performance.now();
    const runs = await Promise.all(
      Array.from({ length: n }, () => run(cmd, [...lead, 'get'], { env, stdin: REGISTRY, timeoutMs })),
    );
    return { runs, calls: stub.calls(), ms: performance.now() - started };
  } finally {
    cleanup();
    await stub.close();
  }
}

/** The chunks the executable's debug log says it loaded (src/cli.ts logs them), or undefined without that line. */
export const chunksLoaded = (stderr) => /chunks loaded: (.*)/.exec(stderr)?.[1]?.split(', ');

/**
 * The build's, the release's and the release workflow's smoke test of an executable: `version`; a `get` that
 * fetches (one API call) and loads the AWS SDK chunk; a second `get` that is a cache hit and loads no SDK
 * chunk; then (crowd > 0) that many parallel `get`s with a cold cache, which must make one API call.
 * Throws a BuildError naming what went wrong; returns a summary line and the chunks each `get` loaded.
 */
export async function smokeTest(
  command,
  name = command.at(-1),
  { crowdSize = 0, extraEnv = {}, timeoutMs = 60_000 } = {},
) {
  const r = await versionMissHit(command, { extraEnv: { DOCKER_CREDENTIAL_ECR_LOG: 'debug', ...extraEnv }, timeoutMs });
  if (r.version.status !== 0 || !r.version.stdout.startsWith('docker-credential-ecr '))
    fail(`${name} version: ${describeRun(r.version)}`);
  const loadsSdk = (run) => chunksLoaded(run.stderr)?.some((chunk) => chunk.startsWith('sdk-'));
  for (const [what, run, wantSdk] of [
    ['miss', r.miss, true],
    ['hit', r.hit, false],
  ])
    if (run.status !== 0 || !isStubAnswer(run.stdout) || loadsSdk(run) !== wantSdk)
      fail(`${name} get (${what}): ${describeRun(run)}`);
  if (r.callsAfterMiss !== 1 || r.callsAfterHit !== 1)
    fail(`${name}: ${r.callsAfterHit} API calls for a miss and a hit, expected 1`);
  let crowdSummary = '';
  if (crowdSize > 0) {
    const c = await crowd(command, { n: crowdSize, extraEnv, timeoutMs });
    const bad = c.runs.find((run) => run.status !== 0 || !isStubAnswer(run.stdout));
    if (bad) fail(`${name}: one of ${crowdSize} parallel gets: ${describeRun(bad)}`);
    if (c.calls !== 1) fail(`${name}: ${crowdSize} parallel gets made ${c.calls} API calls, expected 1`);
    crowdSummary = `, ${crowdSize} parallel gets ${Math.round(c.ms)} ms (1 API call)`;
  }
  return {
    version: r.version.stdout.trim(),
    summary: `version, get miss ${Math.round(r.miss.ms)} ms, hit ${Math.round(r.hit.ms)} ms${crowdSummary}`,
    missChunks: chunksLoaded(r.miss.stderr),
    hitChunks: chunksLoaded(r.hit.stderr),
  };
}
