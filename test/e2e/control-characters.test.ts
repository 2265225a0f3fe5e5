// Raw control characters from AWS_PROFILE, the shared config or an endpoint's answer never reach stdout or stderr
// (terminal escapes, a one-character CSI, a bidi override, a GitHub workflow command after a CR), and a token that
// holds them is refused. With the built executable; the endpoint is a small server of this file's own, since it
// must answer what AWS never would.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { runExecutable, type ExeResult } from '../support/executable';
import { tempDir } from '../support/temp';
import { helperEnv } from '../support/helper-bin';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
/** OSC (retitle), CSI via ESC and via C1 U+009B, a lone CR then a workflow command, DEL, a right-to-left override. */
const HOSTILE = '\x1b]0;pwned\x07\x1b[2J\u009b31m\r::warning::x\x7f\u202egnp.exe';
const RAW = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\r(?!\n)/;

function clean(result: ExeResult, what: string): void {
  assert.doesNotMatch(
    result.stdout,
    RAW,
    `${what}: a raw control character on stdout: ${JSON.stringify(result.stdout)}`,
  );
  assert.doesNotMatch(
    result.stderr,
    RAW,
    `${what}: a raw control character on stderr: ${JSON.stringify(result.stderr)}`,
  );
}

/** An ECR endpoint that answers `next` to every GetAuthorizationToken call, and counts them. */
let next: { status: number; body: unknown; type?: string } = { status: 500, body: {} };
let calls = 0;
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    calls++;
    res.writeHead(next.status, {
      'content-type': 'application/x-amz-json-1.1',
      ...(next.type ? { 'x-amzn-errortype': next.type } : {}),
    });
    res.end(JSON.stringify(next.body));
  });
});
const listening = new Promise<string>((done) =>
  server.listen(0, '127.0.0.1', () => done(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
);
after(() => server.close());

test('AWS_PROFILE with control characters: the error names it escaped, on stderr and stdout, exit 1', async () => {
  const home = tempDir();
  const env = { ...helperEnv(await listening, home), AWS_PROFILE: HOSTILE };
  const result = await runExecutable(['get'], { stdin: HOST, env });
  assert.equal(result.code, 1, result.stderr);
  assert.match(
    result.stderr,
    /AWS profile \\x1b\]0;pwned\\x07\\x1b\[2J\\x9b31m\\x0d::warning::x\\x7f\\u202egnp\.exe is not in/,
  );
  assert.match(
    result.stdout,
    /AWS profile \\u001b\]0;pwned\\u0007\\u001b\[2J\\u009b31m\\u000d::warning::x\\u007f\\u202egnp\.exe is not in/,
  );
  clean(result, 'get');
  const doctor = await runExecutable(['doctor'], { env });
  clean(doctor, 'doctor');
});

test("config keys with control characters (an sso-session's name): doctor and get show them escaped", async () => {
  const home = tempDir();
  const env = helperEnv(await listening, home);
  delete (env as Record<string, string | undefined>).AWS_ACCESS_KEY_ID;
  delete (env as Record<string, string | undefined>).AWS_SECRET_ACCESS_KEY;
  writeFileSync(
    env.AWS_CONFIG_FILE,
    `[default]\nsso_session = ${HOSTILE}\nsso_account_id = 123456789012\nsso_role_name = P\nregion = eu-west-1\n`,
  );
  const doctor = await runExecutable(['doctor'], { env });
  assert.match(doctor.stdout, /sso-session \\(x1b|u001b)\]0;pwned/);
  clean(doctor, 'doctor');
  const get = await runExecutable(['get'], { stdin: HOST, env });
  assert.equal(get.code, 1, get.stderr);
  clean(get, 'get');
});

test("an endpoint's error message with control characters is shown escaped; a token that holds them is refused, not cached", async () => {
  const home = tempDir();
  const env = helperEnv(await listening, home);
  next = {
    status: 400,
    type: 'AccessDeniedException',
    body: { __type: 'AccessDeniedException', message: `denied ${HOSTILE}` },
  };
  const denied = await runExecutable(['get'], { stdin: HOST, env });
  assert.equal(denied.code, 1, denied.stderr);
  clean(denied, 'an error answer');
  // Another cache (the failure above is shared with newcomers for a few seconds).
  const fresh = helperEnv(await listening, tempDir());
  const password = `eyJwYXlsb2FkIjoi${HOSTILE}`;
  next = {
    status: 200,
    body: {
      authorizationData: [
        {
          authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
          expiresAt: Date.now() / 1000 + 43_200,
          proxyEndpoint: `https://${HOST}`,
        },
      ],
    },
  };
  const before = calls;
  const refused = await runExecutable(['get'], { stdin: HOST, env: fresh });
  assert.equal(refused.code, 1, refused.stdout);
  assert.match(
    refused.stderr,
    /the response is not a usable token \(authorizationToken holds control characters or bytes that are not text\)/,
  );
  assert.doesNotMatch(`${refused.stdout}${refused.stderr}`, /eyJwYXlsb2FkIjoi/, 'no part of the token is shown');
  clean(refused, 'a token with control characters');
  assert.equal(calls - before, 1);
  const cache = join(fresh.HOME, '.cache', 'docker-credential-ecr');
  assert.deepEqual(
    existsSync(cache) ? readdirSync(cache).filter((name) => name.endsWith('.json')) : [],
    [],
    'no token was cached',
  );
});
