// The fake AWS (test/support/fake-aws.ts) as a child process: its endpoint and CONNECT proxy, its control
// endpoints (calls, reset), and its own response time to one GetAuthorizationToken.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { root } from '../compile.mjs';
import { BenchError, fail } from './bench-error.mjs';
import { KEYS } from './names.mjs';

export async function startFake() {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/support/fake-aws.ts')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const info = await new Promise((done, reject) => {
    let out = '';
    const onData = (chunk) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n')) {
        child.stdout.off('data', onData);
        try {
          done(JSON.parse(line));
        } catch {
          reject(new BenchError(`the fake AWS printed ${JSON.stringify(line)} instead of its address`));
        }
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new BenchError(`the fake AWS exited (${code}) before printing its address`)));
  });
  return { ...info, stop: () => child.kill('SIGTERM') };
}

function post(url, path, body = '{}', headers = {}) {
  return new Promise((done, reject) => {
    const req = request(
      `${url}${path}`,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => done({ status: res.statusCode, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export const callCount = async (fakeUrl) => JSON.parse((await post(fakeUrl, '/__fake/calls')).text).calls.length;

/** The fake's answer to one GetAuthorizationToken, on a new connection each time, as a helper process makes it. */
export async function fakeResponseTimes(fakeUrl, n) {
  // The fake checks the request time as AWS does (within 5 minutes), so the date is now's.
  const amzDate = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const headers = {
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken',
    // The fake reads the key and region from the credential scope; it does not check signatures.
    authorization: `AWS4-HMAC-SHA256 Credential=${KEYS.AWS_ACCESS_KEY_ID}/${amzDate.slice(0, 8)}/eu-west-1/ecr/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
    'x-amz-date': amzDate,
  };
  const times = [];
  for (let i = 0; i < n + 10; i++) {
    const started = performance.now();
    const r = await post(fakeUrl, '/', '{}', headers);
    const elapsed = performance.now() - started;
    if (r.status !== 200 || !r.text.includes('authorizationToken'))
      fail(`the fake answered GetAuthorizationToken with ${r.status}: ${r.text.slice(0, 200)}`);
    if (i >= 10) times.push(elapsed); // the first ones warm up both ends
  }
  return times;
}
