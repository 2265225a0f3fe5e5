// Builds dist/docker-credential-ecr: ONE self-contained executable, compiled with Bun (scripts/compile.mjs) for
// this machine's platform. The runtime embedded in it is the pinned Bun's own, with the environment switches
// that would let a user's environment change what it does made unreadable (NEUTRALISED_ENV in compile.mjs).
//
// The executable is smoke-tested before it is renamed into place, so a failed build never leaves a broken
// executable under the final name: `version`; a `get` that fetches a token from a stub ECR API on 127.0.0.1 and
// must load the AWS SDK chunk; a second `get` that must be a cache hit and load no chunk.
//
// Usage: npm run build    (every failure exits non-zero with a message on stderr)
// Environment:
//   DCE_DIST=/path/to/dir   write the executable there instead of dist/ (to keep several builds side by side)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, relative, resolve } from 'node:path';
import { BuildError, bunExecutable, compile, fail, neutraliseRuntime, root, removeLeftovers } from './compile.mjs';

const started = performance.now();
const dist = process.env.DCE_DIST ? resolve(process.env.DCE_DIST) : join(root, 'dist');
const EXE_NAME = process.platform === 'win32' ? 'docker-credential-ecr.exe' : 'docker-credential-ecr';
const finalPath = join(dist, EXE_NAME);
const tempDir = join(dist, `.build-tmp-${process.pid}`);
const tmp = (name) => join(tempDir, name);
const rel = (p) => relative(process.cwd(), p) || '.';
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Runs the built executable without blocking the event loop (the stub API answers from this process). */
function runAsync(cmd, args, { env, stdin = '' }) {
  return new Promise((done, reject) => {
    const child = spawn(cmd, args, { cwd: tempDir, env, stdio: ['pipe', 'pipe', 'pipe'], timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', (e) => reject(new BuildError(`cannot run ${cmd}: ${e.message}`)));
    child.on('close', (status, signal) => done({ status, signal, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** A stand-in for the ECR API, for the smoke test. */
async function startStubApi() {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const data = { authorizationToken: Buffer.from('AWS:build-stub-password').toString('base64'), expiresAt: Math.floor(Date.now() / 1000) + 12 * 3600 };
      const ok = target === 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken';
      res.writeHead(ok ? 200 : 400, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(ok ? { authorizationData: [{ ...data, proxyEndpoint: 'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com' }] } : { __type: 'UnknownOperationException', message: target }));
    });
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((done) => server.close(done)) };
}


async function smokeTest(exePath) {
  const version = spawnSync(exePath, ['version'], { encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH } });
  if (version.error || version.status !== 0 || !version.stdout.startsWith('docker-credential-ecr ') || version.stderr)
    fail(`the built executable does not work: \`version\` gave ${version.error?.message ?? `exit ${version.status}`}, stdout ${JSON.stringify(version.stdout)}, stderr ${JSON.stringify(version.stderr)}`);
  const stub = await startStubApi();
  try {
    mkdirSync(tmp('home'));
    const env = { PATH: process.env.PATH, HOME: tmp('home'), AWS_EC2_METADATA_DISABLED: 'true', AWS_ENDPOINT_URL_ECR: stub.url, AWS_ACCESS_KEY_ID: 'AKIABUILDSMOKETEST01', AWS_SECRET_ACCESS_KEY: 'build-smoke-secret', DOCKER_CREDENTIAL_ECR_LOG: 'debug' };
    const stdin = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
    const miss = await runAsync(exePath, ['get'], { env, stdin });
    const hit = await runAsync(exePath, ['get'], { env, stdin });
    const chunks = (r) => /chunks loaded: (.*)/.exec(r.stderr)?.[1];
    const sdkChunk = (r) => (chunks(r) ?? '').split(', ').some((name) => name.startsWith('sdk-'));
    for (const [what, r, wantSdk] of [['miss', miss, true], ['hit', hit, false]])
      if (r.status !== 0 || !r.stdout.includes('"Secret":"build-stub-password"') || chunks(r) === undefined || sdkChunk(r) !== wantSdk)
        fail(`the built executable does not serve tokens as it should (${what}): exit ${r.status ?? r.signal}, stdout ${JSON.stringify(r.stdout)}, stderr:\n${r.stderr.trim()}`);
    return { version: version.stdout.trim(), missChunks: chunks(miss), hitChunks: chunks(hit) };
  } finally {
    await stub.close();
  }
}

async function main() {
  mkdirSync(dist, { recursive: true });
  removeLeftovers(dist, '.build-tmp-');
  mkdirSync(tempDir);
  try {
    const bun = bunExecutable();
    const target = `bun-${process.platform}-${process.arch}`;
    const patched = neutraliseRuntime(bun.path, tmp('runtime'));
    const exePath = tmp(EXE_NAME);
    compile({ bun, target, runtime: tmp('runtime'), outfile: exePath });
    const smoke = await smokeTest(exePath);
    renameSync(exePath, finalPath);
    console.log(`executable  ${rel(finalPath)}  ${mib(statSync(finalPath).size)}`);
    console.log(`bun         ${bun.version} (${target}; ${patched} environment-variable names neutralised in the runtime)`);
    console.log(`version     ${smoke.version}`);
    console.log(`chunks      on a miss: ${smoke.missChunks}\n            on a hit:  ${smoke.hitChunks}`);
    console.log(`built in    ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(tempDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`build failed: ${e instanceof BuildError ? e.message : (e?.stack ?? e)}`);
  process.exit(1);
});
