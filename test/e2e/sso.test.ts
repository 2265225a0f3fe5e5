// Issue 27, point 5: SSO failures named as SSO, in `get` and in `doctor`, with the built executable. A valid SSO
// session (its token cached as `aws sso login` leaves it) whose portal cannot be used: its name does not resolve,
// a proxy refuses it, TLS to it fails, or it answers with an error. Before, every one of these read "no AWS
// credentials were found ... set AWS_PROFILE" while AWS_PROFILE named the SSO profile.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../support/use-fake-aws';
import { EXECUTABLE, runExecutable, type ExeResult } from '../support/executable';
import { makeCa, makeLeaf } from '../support/tls';
import { tempDir } from '../support/temp';

const HOST = '210987654321.dkr.ecr.eu-west-1.amazonaws.com';
const SSO_TOKEN = 'sso-access-token-never-printed';
const fake = useFakeAws();
const root = tempDir('dce-sso-');

/** The SSO portal's GetRoleCredentials, answering as `mode` says. */
let mode: 'ok' | 'forbidden' | 'unauthorized' = 'ok';
let portal: http.Server;
let portalUrl = '';
let tlsPortal: https.Server;
let tlsPortalUrl = '';
/** A proxy that refuses every CONNECT, as a filtering proxy does for a host not on its list. */
let proxy: http.Server;
let proxyUrl = '';
const connects: string[] = [];

const listen = async (server: http.Server): Promise<number> => {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return (server.address() as AddressInfo).port;
};

before(async () => {
  portal = http.createServer((req, res) => {
    if (
      mode === 'ok' &&
      req.url?.startsWith('/federation/credentials') &&
      req.headers['x-amz-sso_bearer_token'] === SSO_TOKEN
    ) {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          roleCredentials: {
            accessKeyId: 'ASIASSOTESTKEY000001',
            secretAccessKey: 'sso-role-secret',
            sessionToken: 'sso-session-token',
            expiration: Date.now() + 3600_000,
          },
        }),
      );
      return;
    }
    const [status, type, message] =
      mode === 'forbidden'
        ? [403, 'ForbiddenException', 'No access']
        : [401, 'UnauthorizedException', 'Session token not found or invalid'];
    res.statusCode = status;
    res.setHeader('x-amzn-errortype', type);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ message }));
  });
  portalUrl = `http://127.0.0.1:${await listen(portal)}`;
  // TLS with a certificate from a CA nobody trusts: what an inspecting proxy presents.
  const ca = makeCa(join(root, 'ca'));
  const leaf = makeLeaf(ca, join(root, 'leaf'), ['127.0.0.1']);
  tlsPortal = https.createServer({ cert: leaf.cert, key: leaf.key }, (_req, res) => res.end('{}'));
  tlsPortalUrl = `https://127.0.0.1:${await listen(tlsPortal)}`;
  proxy = http.createServer((_req, res) => res.end());
  proxy.on('connect', (req: http.IncomingMessage, socket) => {
    connects.push(req.url ?? '');
    socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
  });
  proxyUrl = `http://127.0.0.1:${await listen(proxy)}`;
});
after(() => {
  portal?.close();
  tlsPortal?.close();
  proxy?.close();
});

/** A HOME with profile dev on SSO session corp (sso_region eu-central-1), signed in for two more hours. */
function machine(extra: Record<string, string>): Record<string, string> {
  const home = tempDir('dce-sso-home-');
  const bin = join(home, 'bin');
  mkdirSync(bin);
  symlinkSync(EXECUTABLE, join(bin, 'docker-credential-ecr'));
  mkdirSync(join(home, '.docker'));
  writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ credHelpers: { [HOST]: 'ecr' } }));
  mkdirSync(join(home, '.aws', 'sso', 'cache'), { recursive: true });
  writeFileSync(
    join(home, '.aws', 'config'),
    '[profile dev]\nsso_session = corp\nsso_account_id = 210987654321\nsso_role_name = Developer\nregion = eu-west-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-central-1\n',
  );
  const cacheFile = join(home, '.aws', 'sso', 'cache', `${createHash('sha1').update('corp').digest('hex')}.json`);
  writeFileSync(
    cacheFile,
    JSON.stringify({
      startUrl: 'https://corp.awsapps.com/start',
      region: 'eu-central-1',
      accessToken: SSO_TOKEN,
      expiresAt: new Date(Date.now() + 2 * 3600_000).toISOString(),
    }),
  );
  const env: Record<string, string> = {
    HOME: home,
    PATH: `${bin}:/usr/bin:/bin`,
    AWS_PROFILE: 'dev',
    AWS_ENDPOINT_URL_ECR: fake.url,
    AWS_ENDPOINT_URL_STS: fake.url,
    AWS_EC2_METADATA_DISABLED: 'true',
    DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '5000',
    ...extra,
  };
  for (const [k, v] of Object.entries(env)) if (v === '') delete env[k];
  return env;
}

const get = (env: Record<string, string>): Promise<ExeResult> => runExecutable(['get'], { stdin: HOST, env });
const doctor = (env: Record<string, string>): Promise<ExeResult> => runExecutable(['doctor'], { env });

function assertNamedAsSso(result: ExeResult, cause: RegExp): void {
  const output = result.stdout + result.stderr;
  assert.match(output, cause, output);
  assert.doesNotMatch(output, /no AWS credentials were found/);
  assert.ok(!output.includes(SSO_TOKEN), 'the SSO access token was printed');
}

/** get: exit 1, the cause on stderr (Docker shows it) and the same on stdout (the protocol's error line). */
async function assertGet(env: Record<string, string>, cause: RegExp): Promise<void> {
  const result = await get(env);
  assert.equal(result.code, 1, result.stdout);
  assertNamedAsSso(result, cause);
}

/** doctor: exit 1, the token line fails with the cause, and so does the identity line. */
async function assertDoctor(env: Record<string, string>, cause: RegExp): Promise<void> {
  const result = await doctor(env);
  assert.equal(result.code, 1, result.stdout);
  assertNamedAsSso(result, cause);
  const token = result.stdout.split('\n').find((l) => l.startsWith(`fail  ${HOST}: no token from the ECR API`));
  assert.ok(token && cause.test(token), result.stdout);
  const identity = result.stdout.split('\n').find((l) => l.startsWith('fail  AWS identity'));
  assert.ok(identity && cause.test(identity), result.stdout);
}

test('the working session first: the portal answers, get serves a token (the set-up is sound)', async () => {
  mode = 'ok';
  const result = await get(machine({ AWS_ENDPOINT_URL_SSO: portalUrl }));
  assert.equal(result.code, 0, result.stderr);
});

test("the portal's name does not resolve: SSO, the portal host and DNS named", async () => {
  const env = machine({ AWS_ENDPOINT_URL_SSO: 'https://portal.sso.invalid' });
  const cause =
    /the SSO session of profile dev could not be used: the SSO portal's name portal\.sso\.invalid does not resolve \((ENOTFOUND|EAI_AGAIN)/;
  await assertGet(env, cause);
  await assertDoctor(env, cause);
});

test('a proxy refusing the portal: the proxy, the variable that set it and the portal host named', async () => {
  const env = machine({ HTTPS_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' });
  // The portal of the session's sso_region (eu-central-1), not of the registry's region (eu-west-1).
  const cause = new RegExp(
    `the proxy ${proxyUrl.replace(/\./g, '\\.')} \\(from HTTPS_PROXY\\) refused to connect to the SSO portal portal\\.sso\\.eu-central-1\\.amazonaws\\.com \\(HTTP 403 to CONNECT\\)`,
  );
  await assertGet(env, cause);
  await assertDoctor(env, cause);
  assert.ok(connects.length > 0);
  assert.deepEqual([...new Set(connects)], ['portal.sso.eu-central-1.amazonaws.com:443']);
});

test('TLS to the portal failing (a CA this machine does not trust): named, with AWS_CA_BUNDLE as the fix', async () => {
  const env = machine({ AWS_ENDPOINT_URL_SSO: tlsPortalUrl });
  const cause = /the SSO session of profile dev could not be used: TLS to the SSO portal 127\.0\.0\.1:\d+ failed/;
  await assertGet(env, cause);
  assert.match((await get(env)).stderr, /AWS_CA_BUNDLE/);
  await assertDoctor(env, cause);
});

test("the portal's own errors: HTTP status and AWS's error, a revoked session vs a role not assigned", async () => {
  mode = 'forbidden';
  const env = machine({ AWS_ENDPOINT_URL_SSO: portalUrl });
  const forbidden =
    /the SSO portal 127\.0\.0\.1:\d+ answered HTTP 403 ForbiddenException: No access: your SSO user has no access to sso_role_name in sso_account_id of profile dev/;
  await assertGet(env, forbidden);
  await assertDoctor(env, forbidden);
  // A new machine: the failure just recorded is shared with other processes for a few seconds (tokens/shared-failure.ts).
  mode = 'unauthorized';
  const revokedEnv = machine({ AWS_ENDPOINT_URL_SSO: portalUrl });
  const revoked =
    /the SSO portal 127\.0\.0\.1:\d+ refused the session of profile dev \(HTTP 401 UnauthorizedException: Session token not found or invalid\): it was signed out or revoked/;
  await assertGet(revokedEnv, revoked);
  assert.match((await get(revokedEnv)).stderr, /aws sso login --profile dev/);
  await assertDoctor(revokedEnv, revoked);
});
