// The fake as an HTTP proxy: CONNECT tunnels TLS-terminated under the real AWS host names, route() to a local
// port, and plain-HTTP proxy requests.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AgentConnectOpts } from 'agent-base';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { makeCa, makeLeaf } from '../tls';
import { credentials, errorOf } from './sdk-clients';
import { useSdkClients } from '../use-fake-aws';

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

const { fake } = useSdkClients();

describe('proxy', () => {
  let ca: string;
  before(() => {
    ca = readFileSync(fake.caFile, 'utf8');
  });

  it("ignores a CA given only to HttpsProxyAgent's constructor (it reaches the proxy leg, not the target)", async () => {
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
    assert.match(
      `${(err as { code?: string }).code} ${err.message}`,
      /UNABLE_TO_VERIFY_LEAF_SIGNATURE|self.signed|unable to verify/i,
    );
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
          .get(
            `https://${host}/v2/`,
            { agent: new TrustingProxyAgent(fake.url, readFileSync(registryCa.certFile)) },
            (res) => {
              let text = '';
              res.setEncoding('utf8');
              res.on('data', (c: string) => (text += c));
              res.on('end', () => ok(text));
            },
          )
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
