// Issue 27, point 3: `doctor IMAGE` asks the registry, up to the manifest, and explains its answer. Against a real
// registry (CNCF distribution, TLS, htpasswd taking the token the fake AWS issues) under the ECR host name through
// the fake's proxy route, with the ECR calls doctor makes answered by the fake (test/support/fake-ecr-catalogue.ts).
// Where the registry cannot give ECR's own answers, a fake registry in front says them, and the test says so:
// DENIED with ECR's message (and a repository policy), and a redirect of the manifest request to another host.
// The CNCF registry answers MANIFEST_UNKNOWN, not ECR's NAME_UNKNOWN, for a repository it does not have: doctor then
// asks DescribeRepositories, which is what tells a missing repository from a missing tag here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../support/use-fake-aws';
import { EXECUTABLE, runExecutable, type ExeResult } from '../support/executable';
import { helperEnv } from '../support/helper-bin';
import { runCommand, transcript } from '../support/command';
import { writeOciImage, type OciImage } from '../support/oci-layout';
import { startRegistry, type Registry } from '../support/registry';
import { makeCa, makeLeaf } from '../support/tls';
import { requireTool } from '../support/tools';
import { tempDir } from '../support/temp';

const ACCOUNT = '123456789012';
const HOST = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`;
/** Served by the fake in front: ECR's DENIED. */
const DENY_HOST = `${ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com`;
/** Served by the fake in front: the manifest request redirected to OTHER. */
const REDIRECT_HOST = `${ACCOUNT}.dkr.ecr.eu-north-1.amazonaws.com`;
const OTHER = 'blobs.elsewhere.example';
const TOKEN = `doctor-image-token-${Date.now()}-never-printed`;
const BASIC = Buffer.from(`AWS:${TOKEN}`).toString('base64');

const root = tempDir('dce-doctor-image-');
const fake = useFakeAws();
let registry: Registry | undefined;
let image: OciImage;
let caFile: string;
const servers: https.Server[] = [];
/** Authorization headers each fake host saw, by host. */
const seen: Record<string, Array<string | undefined>> = { [DENY_HOST]: [], [REDIRECT_HOST]: [], [OTHER]: [] };

const DENIED = `User: arn:aws:iam::${ACCOUNT}:user/AKIAE2ETESTKEY000001 is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-west-2:${ACCOUNT}:repository/team/locked because no resource-based policy allows the ecr:BatchGetImage action`;
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'ci-only',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/ci` },
      Action: ['ecr:BatchGetImage'],
    },
  ],
});

async function listen(server: https.Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return (server.address() as AddressInfo).port;
}

before(async () => {
  requireTool('docker-registry');
  const skopeo = requireTool('skopeo');
  const ca = makeCa(join(root, 'ca'));
  caFile = ca.certFile;
  const leaf = makeLeaf(ca, join(root, 'leaf'), [HOST, DENY_HOST, REDIRECT_HOST, OTHER]);
  registry = await startRegistry({
    dir: join(root, 'registry'),
    certFile: leaf.certFile,
    keyFile: leaf.keyFile,
    users: { AWS: TOKEN },
  });
  fake.route(`${HOST}:443`, { port: registry.port });
  // The fakes in front: ECR's challenge on /v2/, then their one answer for the manifest.
  const front = https.createServer({ cert: leaf.cert, key: leaf.key }, (req, res) => {
    const host = (req.headers.host ?? '').replace(/:443$/, '');
    seen[host]?.push(req.headers.authorization);
    if (host === OTHER) {
      res.writeHead(200, {
        'content-type': 'application/vnd.oci.image.manifest.v1+json',
        'docker-content-digest': `sha256:${'ee'.repeat(32)}`,
      });
      return res.end('{}');
    }
    if (req.url === '/v2/') {
      res.writeHead(401, {
        'www-authenticate': `Basic realm="https://${host}/",service="ecr.amazonaws.com"`,
        'content-type': 'application/json',
      });
      return res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'Not Authorized' }] }));
    }
    if (host === REDIRECT_HOST) {
      res.writeHead(307, { location: `https://${OTHER}/v2/team/app/manifests/v1` });
      return res.end();
    }
    res.writeHead(403, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ code: 'DENIED', message: DENIED }] }));
  });
  const port = await listen(front);
  for (const host of [DENY_HOST, REDIRECT_HOST, OTHER]) fake.route(`${host}:443`, { port });

  image = writeOciImage(join(root, 'oci'), 'v1');
  const policy = join(root, 'policy.json');
  writeFileSync(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
  mkdirSync(join(root, 'registries.d'));
  writeFileSync(join(root, 'registries.conf'), '');
  const trust = join(root, 'trust');
  mkdirSync(trust);
  copyFileSync(ca.certFile, join(trust, 'ca.crt'));
  const pushed = await runCommand(
    skopeo,
    [
      '--policy',
      policy,
      '--registries.d',
      join(root, 'registries.d'),
      'copy',
      '--dest-cert-dir',
      trust,
      '--dest-creds',
      `AWS:${TOKEN}`,
      `oci:${image.dir}:${image.tag}`,
      `docker://${HOST}/team/app:v1`,
    ],
    {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: root,
        HTTPS_PROXY: fake.url,
        NO_PROXY: '127.0.0.1',
        CONTAINERS_REGISTRIES_CONF: join(root, 'registries.conf'),
      },
      timeoutMs: 30_000,
    },
  );
  assert.equal(pushed.code, 0, transcript(pushed) + (registry?.log() ?? ''));
});
after(async () => {
  await registry?.close();
  for (const s of servers) s.close();
});

function doctor(...args: string[]): Promise<ExeResult> {
  fake.setTokenPassword(TOKEN);
  const home = tempDir('dce-doctor-image-home-');
  const bin = join(home, 'bin');
  mkdirSync(bin);
  symlinkSync(EXECUTABLE, join(bin, 'docker-credential-ecr'));
  mkdirSync(join(home, '.docker'));
  writeFileSync(
    join(home, '.docker', 'config.json'),
    JSON.stringify({ credHelpers: { [HOST]: 'ecr', [DENY_HOST]: 'ecr', [REDIRECT_HOST]: 'ecr' } }),
  );
  const env = {
    ...helperEnv(fake.url, home),
    PATH: `${bin}:/usr/bin:/bin`,
    HTTPS_PROXY: fake.url,
    NO_PROXY: '127.0.0.1',
    AWS_CA_BUNDLE: caFile,
    AWS_REGION: 'us-east-1',
    DOCKER_CREDENTIAL_ECR_LOG: 'debug',
  };
  return runExecutable(['doctor', ...args], { env });
}

function imageLine(result: ExeResult, status: 'ok' | 'warn' | 'fail'): string {
  const found = result.stdout
    .split('\n')
    .find((l) => l.startsWith(`${status.padEnd(4)}  `) && / the registry /.test(l));
  assert.ok(found, `no "${status}" registry line in:\n${result.stdout}${result.stderr}`);
  return found;
}

/** Nothing of the token in the output or the debug lines: neither itself nor its Basic form. */
function assertNoToken(result: ExeResult): void {
  const all = result.stdout + result.stderr;
  assert.ok(!all.includes(TOKEN) && !all.includes(BASIC) && !all.includes(TOKEN.slice(0, 20)), 'the token was printed');
  assert.match(result.stderr, /debug: registry: GET https:\/\//, 'the debug lines were on');
}

test('present: the digest the registry holds; the pull can start', async () => {
  const result = await doctor(`${HOST}/team/app:v1`);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(
    imageLine(result, 'ok'),
    new RegExp(`${HOST}/team/app:v1: the registry has it: digest ${image.manifestDigest}`),
  );
  assertNoToken(result);
});

test('a tag that is not there, in a repository that is', async () => {
  fake.ecr.addRepository('us-east-1', 'team/app');
  const result = await doctor(`${HOST}/team/app:v2`);
  assert.equal(result.code, 1);
  assert.match(
    imageLine(result, 'fail'),
    /HTTP 404 MANIFEST_UNKNOWN.*: the repository team\/app exists, but v2 is not in it/,
  );
  assertNoToken(result);
});

test('a repository that is not there, but in another region; and when DescribeRepositories is refused', async () => {
  fake.ecr.addRepository('eu-central-1', 'team/other');
  const result = await doctor(`${HOST}/team/other:v1`);
  assert.equal(result.code, 1);
  const line = imageLine(result, 'fail');
  assert.match(
    line,
    /HTTP 404 (NAME_UNKNOWN|MANIFEST_UNKNOWN).*: there is no repository team\/other in account 123456789012's registry in us-east-1/,
  );
  assert.match(
    line,
    new RegExp(`it exists in eu-central-1: pull ${ACCOUNT}\\.dkr\\.ecr\\.eu-central-1\\.amazonaws\\.com/team/other`),
  );
  assert.ok(fake.calls.some((c) => c.action === 'DescribeRepositories' && c.region === 'eu-central-1'));
  assertNoToken(result);

  fake.ecr.deny('DescribeRepositories');
  const refused = await doctor(`${HOST}/team/other:v1`);
  // Without DescribeRepositories, a registry that says MANIFEST_UNKNOWN leaves it open, and doctor says so.
  assert.match(
    imageLine(refused, 'fail'),
    /is not known: ecr:DescribeRepositories was refused \(AccessDeniedException: needs ecr:DescribeRepositories\)/,
  );
});

test('a pull-through-cache prefix: the rule, and what the first pull needs', async () => {
  fake.ecr.addPullThroughRule('us-east-1', 'docker-hub', 'registry-1.docker.io');
  const result = await doctor(`${HOST}/docker-hub/library/nginx:latest`);
  assert.equal(result.code, 0, result.stdout);
  assert.match(
    imageLine(result, 'warn'),
    /starts with the pull-through-cache prefix "docker-hub" \(upstream registry-1\.docker\.io\): the first pull creates it, and needs ecr:BatchImportUpstreamImage .*ecr:CreateRepository/,
  );
});

test("DENIED (a fake registry in front says ECR's words): the action, the resource and the repository policy", async () => {
  fake.ecr.addRepository('us-west-2', 'team/locked', { policy: POLICY });
  const result = await doctor(`${DENY_HOST}/team/locked:v1`);
  assert.equal(result.code, 1);
  const line = imageLine(result, 'fail');
  assert.match(
    line,
    new RegExp(`ecr:BatchGetImage on arn:aws:ecr:us-west-2:${ACCOUNT}:repository/team/locked is denied`),
  );
  assert.match(line, /its repository policy: .*"Sid":"ci-only"/);
  assert.match(
    line,
    /; fix: allow ecr:BatchGetImage on arn:aws:ecr:us-west-2:123456789012:repository\/team\/locked for this identity/,
  );
  assert.equal(
    seen[DENY_HOST].filter((h) => h === `Basic ${BASIC}`).length,
    1,
    'the manifest request carried the token',
  );
  assertNoToken(result);
});

test('a redirect of the manifest request to another host is followed without the token', async () => {
  const result = await doctor(`${REDIRECT_HOST}/team/app:v1`);
  assert.equal(result.code, 0, result.stdout);
  assert.match(
    imageLine(result, 'ok'),
    new RegExp(`after a redirect to ${OTHER.replace(/\./g, '\\.')}, which was not sent the token`),
  );
  assert.ok(seen[REDIRECT_HOST].includes(`Basic ${BASIC}`), 'its own host got the token');
  assert.ok(seen[OTHER].length > 0, 'the other host was asked');
  assert.deepEqual(
    seen[OTHER],
    seen[OTHER].map(() => undefined),
    'the other host saw an Authorization header',
  );
  assertNoToken(result);
});
