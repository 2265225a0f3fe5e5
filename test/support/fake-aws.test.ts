// Proves the fake AWS API against the real SDK v3 clients, so the end-to-end tests built on it
// exercise what production code will meet: the wire format, the error names the SDK produces, and
// the proxy path.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createInterface } from 'node:readline';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { ECRPUBLICClient, GetAuthorizationTokenCommand as GetPublicAuthorizationTokenCommand } from '@aws-sdk/client-ecr-public';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import type { AgentConnectOpts } from 'agent-base';
import * as http from 'node:http';
import type { Socket } from 'node:net';
import {
  ECR_GET_AUTHORIZATION_TOKEN_TARGET,
  ECR_PUBLIC_GET_AUTHORIZATION_TOKEN_TARGET,
  OVERSIZED_BYTES,
  startFakeAws,
  type FakeAws,
  type Fault,
  type Service,
} from './fake-aws';
import { makeCa, makeLeaf } from './tls';

const ROOT = resolve(__dirname, '..', '..');
const credentials = { accessKeyId: 'AKIAFAKETESTKEY00001', secretAccessKey: 'fake-secret' };
const ROLE_ARN = 'arn:aws:iam::210987654321:role/ci/deployer';

/**
 * HttpsProxyAgent (v9) applies its constructor's TLS options only to the connection to the proxy;
 * the TLS session with the target inside the tunnel takes its options from the request. So a CA for
 * the target has to be added per connection.
 */
class TrustingProxyAgent extends HttpsProxyAgent<string> {
  constructor(
    proxy: string,
    private readonly ca: string | Buffer,
  ) {
    super(proxy);
  }

  override connect(req: http.ClientRequest, opts: AgentConnectOpts): Promise<Socket> {
    return super.connect(req, opts.secureEndpoint ? { ...opts, ca: this.ca } : opts);
  }
}

function decode(token: string | undefined): string {
  return Buffer.from(token ?? '', 'base64').toString('utf8');
}

function errorOf(promise: Promise<unknown>): Promise<Error & { $fault?: string; $metadata?: { httpStatusCode?: number } }> {
  return promise.then(
    () => assert.fail('expected the call to fail'),
    (err: unknown) => {
      assert.ok(err instanceof Error, `not an Error: ${String(err)}`);
      return err;
    },
  );
}

/** Runs a Node child asynchronously: the fake lives in this process's event loop, so spawnSync would deadlock. */
function runNode(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((ok, fail) => {
    execFile(process.execPath, args, { cwd: ROOT, env, timeout: 10_000 }, (err, stdout, stderr) => {
      if (err) fail(new Error(`${err.message}\n${stderr}`));
      else ok(stdout);
    });
  });
}

describe('fake AWS with the real SDK clients', () => {
  let fake: FakeAws;
  let ecr: ECRClient;
  let ecrPublic: ECRPUBLICClient;
  let sts: STSClient;

  before(async () => {
    fake = await startFakeAws();
    ecr = new ECRClient({ region: 'eu-west-1', endpoint: fake.url, credentials, maxAttempts: 1 });
    ecrPublic = new ECRPUBLICClient({ region: 'us-east-1', endpoint: fake.url, credentials, maxAttempts: 1 });
    sts = new STSClient({ region: 'us-east-1', endpoint: fake.url, credentials, maxAttempts: 1 });
  });
  after(async () => {
    for (const c of [ecr, ecrPublic, sts]) c.destroy();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  it('issues distinct ECR tokens and records region, key and host', async () => {
    const first = await ecr.send(new GetAuthorizationTokenCommand({}));
    const second = await ecr.send(new GetAuthorizationTokenCommand({}));
    const a = first.authorizationData?.[0];
    const b = second.authorizationData?.[0];
    assert.ok(a && b);
    assert.notEqual(a.authorizationToken, b.authorizationToken);
    assert.equal(a.proxyEndpoint, 'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com');
    const [user, password] = decode(a.authorizationToken).split(':');
    assert.equal(user, 'AWS');
    assert.deepEqual(
      fake.issued.map((t) => [t.service, t.password, t.region, t.accessKeyId]),
      [
        ['ecr', password, 'eu-west-1', credentials.accessKeyId],
        ['ecr', decode(b.authorizationToken).slice(4), 'eu-west-1', credentials.accessKeyId],
      ],
    );
    // 12 h by default, parsed by the SDK into a Date from epoch seconds.
    const lifetime = (a.expiresAt?.getTime() ?? 0) - Date.now();
    assert.ok(Math.abs(lifetime - 12 * 3600_000) < 60_000, `lifetime ${lifetime}`);
    assert.equal(fake.calls.length, 2);
    const call = fake.calls[0];
    assert.equal(call.service, 'ecr');
    assert.equal(call.action, 'GetAuthorizationToken');
    assert.equal(call.region, 'eu-west-1');
    assert.equal(call.signingService, 'ecr');
    assert.equal(call.accessKeyId, credentials.accessKeyId);
    assert.equal(call.host, `127.0.0.1:${fake.port}`);
    assert.equal(call.viaProxy, false);
    assert.deepEqual(call.body, {});
  });

  it('answers one entry per registryIds account, sharing the token', async () => {
    const out = await ecr.send(new GetAuthorizationTokenCommand({ registryIds: ['111111111111', '222222222222'] }));
    assert.deepEqual(
      out.authorizationData?.map((d) => d.proxyEndpoint),
      ['https://111111111111.dkr.ecr.eu-west-1.amazonaws.com', 'https://222222222222.dkr.ecr.eu-west-1.amazonaws.com'],
    );
    assert.equal(new Set(out.authorizationData?.map((d) => d.authorizationToken)).size, 1);
    assert.deepEqual(fake.calls[0].body, { registryIds: ['111111111111', '222222222222'] });
  });

  it('issues ECR Public tokens', async () => {
    const out = await ecrPublic.send(new GetPublicAuthorizationTokenCommand({}));
    const decoded = decode(out.authorizationData?.authorizationToken);
    assert.match(decoded, /^AWS:fake-ecr-public-/);
    assert.equal(fake.issued[0].service, 'ecr-public');
    assert.equal(fake.issued[0].password, decoded.slice(4));
    const [call] = fake.callsFor('ecr-public');
    assert.equal(call.signingService, 'ecr-public');
    assert.equal(call.region, 'us-east-1');
    assert.equal(fake.callsFor('ecr').length, 0);
  });

  it('exports the targets the SDK sends', async () => {
    await ecr.send(new GetAuthorizationTokenCommand({}));
    await ecrPublic.send(new GetPublicAuthorizationTokenCommand({}));
    assert.deepEqual(
      fake.calls.map((c) => c.target),
      [ECR_GET_AUTHORIZATION_TOKEN_TARGET, ECR_PUBLIC_GET_AUTHORIZATION_TOKEN_TARGET],
    );
  });

  it('honours setTokenLifetime, globally and per service', async () => {
    fake.setTokenLifetime(-60);
    fake.setTokenLifetime(120, 'ecr-public');
    const priv = await ecr.send(new GetAuthorizationTokenCommand({}));
    const pub = await ecrPublic.send(new GetPublicAuthorizationTokenCommand({}));
    assert.ok((priv.authorizationData?.[0].expiresAt?.getTime() ?? Infinity) < Date.now() - 50_000);
    const pubLeft = (pub.authorizationData?.expiresAt?.getTime() ?? 0) - Date.now();
    assert.ok(pubLeft > 100_000 && pubLeft <= 120_000, `ecr-public lifetime ${pubLeft}`);
    fake.reset();
    const fresh = await ecr.send(new GetAuthorizationTokenCommand({}));
    assert.ok((fresh.authorizationData?.[0].expiresAt?.getTime() ?? 0) > Date.now() + 11 * 3600_000);
  });

  it('speaks awsQuery STS to @aws-sdk/client-sts: AssumeRole and GetCallerIdentity', async () => {
    const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'ci-run', ExternalId: 'ext-42' }));
    const again = await sts.send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'ci-run' }));
    const c = assumed.Credentials;
    assert.ok(c?.AccessKeyId && c.SecretAccessKey && c.SessionToken && c.Expiration);
    assert.match(c.AccessKeyId, /^ASIA[A-Z0-9]{16}$/);
    assert.notEqual(c.AccessKeyId, again.Credentials?.AccessKeyId);
    assert.ok(Math.abs(c.Expiration.getTime() - Date.now() - 3600_000) < 60_000);
    assert.equal(assumed.AssumedRoleUser?.Arn, 'arn:aws:sts::210987654321:assumed-role/deployer/ci-run');

    const [call] = fake.callsFor('sts');
    assert.equal(call.protocol, 'query');
    assert.equal(call.action, 'AssumeRole');
    assert.equal(call.signingService, 'sts');
    assert.deepEqual(call.body, { Action: 'AssumeRole', Version: '2011-06-15', RoleArn: ROLE_ARN, RoleSessionName: 'ci-run', ExternalId: 'ext-42' });
    assert.deepEqual(
      fake.assumedRoles.map((r) => [r.roleArn, r.roleSessionName, r.externalId, r.callerAccessKeyId, r.accessKeyId]),
      [
        [ROLE_ARN, 'ci-run', 'ext-42', credentials.accessKeyId, c.AccessKeyId],
        [ROLE_ARN, 'ci-run', undefined, credentials.accessKeyId, again.Credentials?.AccessKeyId],
      ],
    );

    const me = await sts.send(new GetCallerIdentityCommand({}));
    assert.equal(me.Account, '123456789012');
    assert.equal(me.Arn, `arn:aws:iam::123456789012:user/${credentials.accessKeyId}`);
    assert.ok(me.UserId);

    const asRole = new STSClient({
      region: 'us-east-1',
      endpoint: fake.url,
      maxAttempts: 1,
      credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
    });
    const role = await asRole.send(new GetCallerIdentityCommand({}));
    asRole.destroy();
    assert.equal(role.Arn, 'arn:aws:sts::210987654321:assumed-role/deployer/ci-run');
    assert.equal(role.Account, '210987654321');
    const last = fake.calls.at(-1);
    assert.equal(last?.accessKeyId, c.AccessKeyId);
    assert.equal(last?.sessionToken, c.SessionToken);
  });

  it('serves the nested-clients STS behind fromTemporaryCredentials, and ECR signed with the role', async () => {
    const provider = fromTemporaryCredentials({
      masterCredentials: credentials,
      params: { RoleArn: ROLE_ARN, RoleSessionName: 'nested', ExternalId: 'ext-nested' },
      clientConfig: { region: 'us-west-2', endpoint: fake.url, maxAttempts: 1 },
    });
    const roleEcr = new ECRClient({ region: 'us-west-2', endpoint: fake.url, credentials: provider, maxAttempts: 1 });
    await roleEcr.send(new GetAuthorizationTokenCommand({}));
    roleEcr.destroy();
    const [assume, token] = fake.calls;
    assert.equal(assume.service, 'sts');
    assert.equal(assume.protocol, 'query');
    assert.equal(assume.region, 'us-west-2');
    assert.equal(assume.body.ExternalId, 'ext-nested');
    // The nested client identifies itself as its own (older) package version.
    assert.notEqual(assume.userAgent, fake.calls.find((x) => x.service === 'ecr')?.userAgent);
    assert.equal(token.service, 'ecr');
    assert.equal(token.accessKeyId, fake.assumedRoles[0].accessKeyId);
    assert.equal(token.sessionToken, fake.assumedRoles[0].sessionToken);
    assert.equal(fake.issued[0].accessKeyId, fake.assumedRoles[0].accessKeyId);
  });

  describe('faults become the SDK errors the helper will see', () => {
    // ECR and ECR Public share the AWS JSON dialect, so the same conditions carry the same names.
    const jsonErrors: Record<string, [name: string, status: number, fault: 'client' | 'server']> = {
      'access-denied': ['AccessDeniedException', 400, 'client'],
      throttle: ['ThrottlingException', 400, 'client'],
      'http-500': ['ServerException', 500, 'server'],
      'expired-credentials': ['ExpiredTokenException', 400, 'client'],
      'unrecognized-client': ['UnrecognizedClientException', 400, 'client'],
      'invalid-signature': ['InvalidSignatureException', 400, 'client'],
    };
    const expected: Record<Service, Record<string, [name: string, status: number, fault: 'client' | 'server']>> = {
      ecr: jsonErrors,
      'ecr-public': jsonErrors,
      // STS's query dialect has its own codes for the same conditions.
      sts: {
        'access-denied': ['AccessDenied', 403, 'client'],
        throttle: ['Throttling', 400, 'client'],
        'http-500': ['InternalFailure', 500, 'server'],
        'expired-credentials': ['ExpiredToken', 403, 'client'],
        'unrecognized-client': ['InvalidClientTokenId', 403, 'client'],
        'invalid-signature': ['SignatureDoesNotMatch', 403, 'client'],
      },
    };
    const callFor = (service: Service): Promise<unknown> =>
      service === 'ecr'
        ? ecr.send(new GetAuthorizationTokenCommand({}))
        : service === 'ecr-public'
          ? ecrPublic.send(new GetPublicAuthorizationTokenCommand({}))
          : sts.send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'faulty' }));

    for (const service of ['ecr', 'ecr-public', 'sts'] as const) {
      it(`${service}: named errors`, async () => {
        for (const [fault, [name, status, kind]] of Object.entries(expected[service])) {
          fake.fail(service, fault as Fault, { times: 1 });
          const err = await errorOf(callFor(service));
          assert.equal(err.name, name, `${service} ${fault}: ${err.message}`);
          assert.equal(err.$metadata?.httpStatusCode, status, `${service} ${fault}`);
          assert.equal(err.$fault, kind, `${service} ${fault}`);
          if (fault === 'access-denied') assert.match(err.message, /is not authorized to perform/);
          if (fault === 'expired-credentials') assert.match(err.message, /security token included in the request is expired/);
          if (fault === 'invalid-signature') assert.match(err.message, /^Signature expired/);
        }
        assert.deepEqual(
          fake.calls.map((c) => c.fault),
          Object.keys(expected[service]),
        );
        await callFor(service); // every fault was used up
      });
    }

    it('malformed, empty and oversized answers', async () => {
      fake.fail('ecr', 'malformed', { times: 1 });
      assert.equal((await errorOf(ecr.send(new GetAuthorizationTokenCommand({})))).name, 'SyntaxError');
      fake.fail('sts', 'malformed', { times: 1 });
      assert.match((await errorOf(sts.send(new GetCallerIdentityCommand({})))).message, /XML parse error/);

      fake.fail('ecr', 'empty', { times: 1 });
      assert.deepEqual((await ecr.send(new GetAuthorizationTokenCommand({}))).authorizationData, []);
      fake.fail('ecr-public', 'empty', { times: 1 });
      assert.equal((await ecrPublic.send(new GetPublicAuthorizationTokenCommand({}))).authorizationData?.authorizationToken, undefined);
      fake.fail('sts', 'empty', { times: 1 });
      assert.equal((await sts.send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'e' }))).Credentials, undefined);

      fake.fail('ecr', 'oversized', { times: 1 });
      const big = await ecr.send(new GetAuthorizationTokenCommand({}));
      const token = big.authorizationData?.[0].authorizationToken ?? '';
      assert.ok(token.length > OVERSIZED_BYTES, `token length ${token.length}`);
      assert.equal(fake.issued.at(-1)?.authorizationToken, token);
    });

    it('queues faults: times, then the next fault, then success', async () => {
      fake.fail('ecr', 'throttle', { times: 2 });
      fake.fail('ecr', 'access-denied', { times: 1 });
      const names: string[] = [];
      for (let i = 0; i < 4; i++) {
        names.push(await ecr.send(new GetAuthorizationTokenCommand({})).then(() => 'ok', (e: Error) => e.name));
      }
      assert.deepEqual(names, ['ThrottlingException', 'ThrottlingException', 'AccessDeniedException', 'ok']);
      fake.fail('ecr', 'http-500');
      for (let i = 0; i < 3; i++) assert.equal((await errorOf(ecr.send(new GetAuthorizationTokenCommand({})))).name, 'ServerException');
      await ecrPublic.send(new GetPublicAuthorizationTokenCommand({})); // other services unaffected
      fake.reset();
      await ecr.send(new GetAuthorizationTokenCommand({}));
    });

    it('lets the default retry strategy retry a 500 and succeed', async () => {
      // http-500 rather than throttle: the SDK's backoff base for throttling is 500 ms, for 5xx 100 ms.
      const retrying = new ECRClient({ region: 'eu-west-1', endpoint: fake.url, credentials, maxAttempts: 3 });
      fake.fail('ecr', 'http-500', { times: 1 });
      const out = await retrying.send(new GetAuthorizationTokenCommand({}));
      retrying.destroy();
      assert.equal(out.$metadata.attempts, 2);
      assert.equal(fake.calls.length, 2);
    });

    it('slow and hang', async () => {
      fake.fail('ecr', { slow: 150 }, { times: 1 });
      const t0 = Date.now();
      await ecr.send(new GetAuthorizationTokenCommand({}));
      assert.ok(Date.now() - t0 >= 140, `answered after ${Date.now() - t0} ms`);

      fake.fail('ecr', 'hang');
      const impatient = new ECRClient({
        region: 'eu-west-1',
        endpoint: fake.url,
        credentials,
        maxAttempts: 1,
        // Without throwOnRequestTimeout this handler version only logs a warning and keeps waiting.
        requestHandler: new NodeHttpHandler({ requestTimeout: 150, throwOnRequestTimeout: true }),
      });
      const err = await errorOf(impatient.send(new GetAuthorizationTokenCommand({})));
      impatient.destroy();
      assert.equal(err.name, 'TimeoutError');
    });

    it('close() ends hung requests', async () => {
      const own = await startFakeAws();
      own.fail('ecr', 'hang');
      const client = new ECRClient({ region: 'eu-west-1', endpoint: own.url, credentials, maxAttempts: 1 });
      const pending = errorOf(client.send(new GetAuthorizationTokenCommand({})));
      while (own.calls.length === 0) await new Promise((r) => setTimeout(r, 5));
      const t0 = Date.now();
      await own.close();
      assert.ok(Date.now() - t0 < 1000);
      assert.match((await pending).message, /socket hang up|ECONNRESET/i);
      client.destroy();
    });

    it('rejects unsigned calls like AWS does', async () => {
      const res = await fetch(fake.url, {
        method: 'POST',
        headers: { 'x-amz-target': ECR_GET_AUTHORIZATION_TOKEN_TARGET, 'content-type': 'application/x-amz-json-1.1' },
        body: '{}',
      });
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
      assert.equal(fake.issued.length, 0);
    });

    it('rejects unknown services and faults', () => {
      assert.throws(() => fake.fail('ecr', 'nope' as Fault), /unknown fault/);
      assert.throws(() => fake.fail('s3' as Service, 'throttle'), /unknown service/);
    });
  });

  describe('proxy', () => {
    let ca: string;
    before(() => {
      ca = readFileSync(fake.caFile, 'utf8');
    });

    it('ignores a CA given only to HttpsProxyAgent\'s constructor (it reaches the proxy leg, not the target)', async () => {
      const client = new ECRClient({
        region: 'us-east-1',
        useFipsEndpoint: true,
        credentials,
        maxAttempts: 1,
        requestHandler: new NodeHttpHandler({ httpsAgent: new HttpsProxyAgent(fake.url, { ca }) }),
      });
      const err = await errorOf(client.send(new GetAuthorizationTokenCommand({})));
      client.destroy();
      assert.equal((err as { code?: string }).code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    });

    it('terminates CONNECT tunnels with a certificate for the host and serves the API inside', async () => {
      const fips = new ECRClient({
        region: 'us-east-1',
        useFipsEndpoint: true,
        credentials,
        maxAttempts: 1,
        requestHandler: new NodeHttpHandler({ httpsAgent: new TrustingProxyAgent(fake.url, ca) }),
      });
      const out = await fips.send(new GetAuthorizationTokenCommand({}));
      fips.destroy();
      assert.equal(out.authorizationData?.[0].proxyEndpoint, 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com');
      // The installed SDK's rules put ECR's FIPS API at api.ecr-fips.<region> (ecr-fips.<region> is only
      // the dual-stack form, under api.aws).
      const fipsHost = 'api.ecr-fips.us-east-1.amazonaws.com';
      assert.deepEqual(fake.connects, [`${fipsHost}:443`]);
      const [call] = fake.calls;
      assert.equal(call.host, fipsHost);
      assert.equal(call.viaProxy, true);
      assert.equal(call.connectTarget, `${fipsHost}:443`);
      assert.equal(call.region, 'us-east-1');
    });

    it('refuses clients that do not trust the CA', async () => {
      const untrusting = new ECRClient({
        region: 'us-east-1',
        credentials,
        maxAttempts: 1,
        requestHandler: new NodeHttpHandler({ httpsAgent: new HttpsProxyAgent(fake.url) }),
      });
      const err = await errorOf(untrusting.send(new GetAuthorizationTokenCommand({})));
      untrusting.destroy();
      assert.match(`${(err as { code?: string }).code} ${err.message}`, /UNABLE_TO_VERIFY_LEAF_SIGNATURE|self.signed|unable to verify/i);
      assert.deepEqual(fake.connects, ['api.ecr.us-east-1.amazonaws.com:443']);
      assert.equal(fake.calls.length, 0);
    });

    it('route() tunnels a CONNECT target to a local port untouched', async () => {
      // A stand-in registry with its own CA, reached under an ECR host name.
      const dir = mkdtempSync(join(tmpdir(), 'fake-aws-route-'));
      const host = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
      const registryCa = makeCa(dir);
      const leaf = makeLeaf(registryCa, dir, [host, '127.0.0.1']);
      const registry = https.createServer({ cert: leaf.cert, key: leaf.key }, (req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' }).end(`registry saw ${req.headers.host} ${req.url}`);
      });
      await new Promise<void>((r) => registry.listen(0, '127.0.0.1', r));
      try {
        const port = (registry.address() as { port: number }).port;
        fake.route(`${host}:443`, { port });
        const body = await new Promise<string>((ok, fail) => {
          https
            .get(`https://${host}/v2/`, { agent: new TrustingProxyAgent(fake.url, readFileSync(registryCa.certFile)) }, (res) => {
              let text = '';
              res.setEncoding('utf8');
              res.on('data', (c: string) => (text += c));
              res.on('end', () => ok(text));
            })
            .on('error', fail);
        });
        assert.equal(body, `registry saw ${host} /v2/`);
        assert.deepEqual(fake.connects, [`${host}:443`]);
        assert.equal(fake.calls.length, 0);
      } finally {
        registry.closeAllConnections();
        registry.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('serves plain-HTTP proxy requests (HTTP_PROXY) and records them', async () => {
      const viaHttpProxy = new ECRClient({
        region: 'ap-south-1',
        endpoint: 'http://ecr.internal.example',
        credentials,
        maxAttempts: 1,
        requestHandler: new NodeHttpHandler({ httpAgent: new HttpProxyAgent(fake.url) }),
      });
      await viaHttpProxy.send(new GetAuthorizationTokenCommand({}));
      viaHttpProxy.destroy();
      assert.deepEqual(fake.proxyRequests, ['http://ecr.internal.example/']);
      assert.equal(fake.calls[0].host, 'ecr.internal.example');
      assert.equal(fake.calls[0].viaProxy, true);
      assert.equal(fake.calls[0].region, 'ap-south-1');
    });

    it('forwards plain-HTTP proxy requests for a routed target', async () => {
      const local = http.createServer((req, res) => res.end(`local saw ${req.headers.host} ${req.url}`));
      await new Promise<void>((r) => local.listen(0, '127.0.0.1', r));
      try {
        fake.route('registry.internal.example:80', { port: (local.address() as { port: number }).port });
        const body = await new Promise<string>((ok, fail) => {
          http
            .get('http://registry.internal.example/v2/', { agent: new HttpProxyAgent(fake.url) }, (res) => {
              let text = '';
              res.setEncoding('utf8');
              res.on('data', (c: string) => (text += c));
              res.on('end', () => ok(text));
            })
            .on('error', fail);
        });
        assert.equal(body, 'local saw registry.internal.example /v2/');
        assert.deepEqual(fake.proxyRequests, ['http://registry.internal.example/v2/']);
        assert.equal(fake.calls.length, 0);
      } finally {
        local.closeAllConnections();
        local.close();
      }
    });
  });

  describe('child processes', () => {
    it('AWS_ENDPOINT_URL_* and a role profile reach the fake (default provider chain, nested STS)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'fake-aws-env-'));
      try {
        const config = join(dir, 'config');
        writeFileSync(
          config,
          [
            '[profile base]',
            `aws_access_key_id = ${credentials.accessKeyId}`,
            `aws_secret_access_key = ${credentials.secretAccessKey}`,
            '[profile deploy]',
            `role_arn = ${ROLE_ARN}`,
            'source_profile = base',
            'external_id = ext-profile',
            'region = ca-central-1',
            '',
          ].join('\n'),
        );
        const script = `
          const { ECRClient, GetAuthorizationTokenCommand } = require('@aws-sdk/client-ecr');
          const { ECRPUBLICClient, GetAuthorizationTokenCommand: Pub } = require('@aws-sdk/client-ecr-public');
          (async () => {
            const a = await new ECRClient({}).send(new GetAuthorizationTokenCommand({}));
            const b = await new ECRPUBLICClient({ region: 'us-east-1' }).send(new Pub({}));
            console.log(JSON.stringify([a.authorizationData[0].authorizationToken, b.authorizationData.authorizationToken]));
          })().catch((e) => { console.error(e); process.exit(1); });`;
        const env: NodeJS.ProcessEnv = {
          PATH: process.env.PATH,
          HOME: dir,
          AWS_CONFIG_FILE: config,
          AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
          AWS_PROFILE: 'deploy',
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_ENDPOINT_URL_ECR: fake.url,
          AWS_ENDPOINT_URL_ECR_PUBLIC: fake.url,
          AWS_ENDPOINT_URL_STS: fake.url,
          NODE_NO_WARNINGS: '1',
        };
        const [priv, pub] = JSON.parse(await runNode(['-e', script], env)) as [string, string];
        assert.deepEqual(
          fake.issued.map((t) => t.authorizationToken),
          [priv, pub],
        );
        const stsCalls = fake.callsFor('sts');
        assert.ok(stsCalls.length >= 1);
        assert.equal(stsCalls[0].action, 'AssumeRole');
        assert.equal(stsCalls[0].body.ExternalId, 'ext-profile');
        assert.equal(stsCalls[0].accessKeyId, credentials.accessKeyId);
        const [ecrCall] = fake.callsFor('ecr');
        assert.equal(ecrCall.region, 'ca-central-1');
        assert.match(ecrCall.accessKeyId ?? '', /^ASIAFAKEROLE/);
        assert.equal(fake.issued[0].accessKeyId, ecrCall.accessKeyId);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('runs standalone, printing its URL and honouring /__fake controls', async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fake-aws.ts')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
      try {
        const line = await new Promise<string>((ok, fail) => {
          createInterface({ input: child.stdout }).once('line', ok);
          child.once('exit', (code) => fail(new Error(`standalone fake exited with ${code}`)));
        });
        const info = JSON.parse(line) as { url: string; port: number; caFile: string };
        assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+$/);
        assert.match(readFileSync(info.caFile, 'utf8'), /BEGIN CERTIFICATE/);
        const control = (path: string, body: unknown): Promise<Response> =>
          fetch(`${info.url}/__fake/${path}`, { method: 'POST', body: JSON.stringify(body) });
        assert.equal((await control('fail', { service: 'ecr', fault: 'access-denied', times: 1 })).status, 200);
        const client = new ECRClient({ region: 'eu-north-1', endpoint: info.url, credentials, maxAttempts: 1 });
        assert.equal((await errorOf(client.send(new GetAuthorizationTokenCommand({})))).name, 'AccessDeniedException');
        await client.send(new GetAuthorizationTokenCommand({}));
        client.destroy();
        const dump = (await (await fetch(`${info.url}/__fake/calls`)).json()) as { calls: { region: string }[]; issued: unknown[] };
        assert.deepEqual(
          dump.calls.map((c) => c.region),
          ['eu-north-1', 'eu-north-1'],
        );
        assert.equal(dump.issued.length, 1);
      } finally {
        child.kill('SIGTERM');
      }
    });
  });
});
