// startFakeAws: the fake's state and its one listening port on 127.0.0.1, which routes each request to the part
// of the fake that answers it: a proxy request or CONNECT (proxy.ts), a /__fake/* control
// (control-endpoints.ts), the container-credentials path (container-credentials.ts), and anything else as an
// AWS API call (api-requests.ts). The parts share the state made here; reset() and close() reach all of them.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import type * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBlackHole } from '../fake-black-hole';
import { createEcrCatalogue } from '../fake-ecr-catalogue';
import { makeCa } from '../tls';
import { createApiHandler } from './api-requests';
import { createClock } from './clock';
import { CONTAINER_CREDENTIALS_PATH, DEFAULT_ACCOUNT, type Service } from './constants';
import { createContainerEndpoint } from './container-credentials';
import { createControlEndpoints } from './control-endpoints';
import { createEcr } from './ecr';
import type { FakeAws, StartOptions } from './fake-aws-handle';
import { createFaultQueues } from './faults';
import { createLifecycle } from './lifecycle';
import { createMfaRules } from './mfa';
import { createPrincipals } from './principals';
import { createProxy } from './proxy';
import { createRecordedCalls } from './recorded-calls';
import { createResponder } from './responses';
import { createSts } from './sts';
import { createWebIdentityTrusts } from './web-identity-trust';

export async function startFakeAws(opts: StartOptions = {}): Promise<FakeAws> {
  const account = opts.account ?? DEFAULT_ACCOUNT;
  const ownTmp = opts.tmpDir === undefined;
  const dir = opts.tmpDir ?? mkdtempSync(join(tmpdir(), 'fake-aws-'));
  const ca = makeCa(join(dir, 'ca'), { commonName: 'fake-aws test CA' });

  const recorded = createRecordedCalls();
  const clock = createClock();
  const faults = createFaultQueues();
  const lifecycle = createLifecycle();
  const responder = createResponder(clock.now);
  const principals = createPrincipals(account);
  const lifetimes = new Map<Service, number>();
  const trusts = createWebIdentityTrusts(clock, recorded.webIdentityCalls);
  const mfa = createMfaRules(recorded.mfaCalls, (key) => principals.callerIdentity(key).arn);
  const catalogue = createEcrCatalogue(account);
  let fixedPassword: string | undefined;
  const container = createContainerEndpoint({
    account,
    clock,
    containerCalls: recorded.containerCalls,
    faults,
    principals,
    responder,
    lifecycle,
  });
  const handleApi = createApiHandler({
    account,
    clock,
    calls: recorded.calls,
    faults,
    responder,
    lifecycle,
    sts: createSts({ account, clock, recorded, principals, lifetimes, trusts, mfa, responder }),
    ecr: createEcr({
      account,
      clock,
      issued: recorded.issued,
      lifetimes,
      fixedPassword: () => fixedPassword,
      catalogue,
      responder,
    }),
  });
  const proxy = createProxy({
    ca,
    certDir: join(dir, 'leaves'),
    connects: recorded.connects,
    proxyRequests: recorded.proxyRequests,
    lifecycle,
    handleApi,
  });
  const blackHole = await startBlackHole();
  // Assigned once `fake` exists: the controls call its methods, as a test in another process would.
  let handleControl: (req: http.IncomingMessage, res: http.ServerResponse) => void = () => {};

  const server = http.createServer((req, res) => {
    if (/^https?:\/\//i.test(req.url ?? '')) return proxy.forward(req, res);
    if (req.url?.startsWith('/__fake/')) return handleControl(req, res);
    if (new URL(req.url ?? '/', 'http://fake').pathname === CONTAINER_CREDENTIALS_PATH) {
      void container.handle(req, res).catch(() => res.destroy());
      return;
    }
    void handleApi(req, res, { viaProxy: false }).catch(() => res.destroy());
  });
  server.on('connection', (socket: net.Socket) => lifecycle.track(socket));
  server.on('clientError', (_err, socket) => socket.destroy());
  server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) =>
    proxy.connect(req, socket, head),
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (err: unknown) => {
    await blackHole.close();
    throw err;
  });
  const port = (server.address() as net.AddressInfo).port;

  const fake: FakeAws = {
    url: `http://127.0.0.1:${port}`,
    port,
    caFile: ca.certFile,
    calls: recorded.calls,
    connects: recorded.connects,
    proxyRequests: recorded.proxyRequests,
    issued: recorded.issued,
    assumedRoles: recorded.assumedRoles,
    webIdentityCalls: recorded.webIdentityCalls,
    mfaCalls: recorded.mfaCalls,
    containerCalls: recorded.containerCalls,
    ecr: {
      addRepository: (...a) => catalogue.addRepository(...a),
      addPullThroughRule: (...a) => catalogue.addPullThroughRule(...a),
      deny: (a) => catalogue.deny(a),
      reset: () => catalogue.reset(),
    },
    setTokenPassword(password) {
      fixedPassword = password;
    },
    containerCredentialsUrl: `http://127.0.0.1:${port}${CONTAINER_CREDENTIALS_PATH}`,
    get containerAuthorizationToken() {
      return container.authorizationToken;
    },
    blackHoleUrl: blackHole.url,
    blackHole,
    get clockOffsetMs() {
      return clock.offsetMs;
    },
    callsFor: (service) => recorded.calls.filter((c) => c.service === service),
    setTokenLifetime(seconds, service) {
      if (!Number.isFinite(seconds)) throw new Error(`setTokenLifetime: ${seconds} is not a number of seconds`);
      for (const s of service ? [service] : (['ecr', 'ecr-public'] as const)) lifetimes.set(s, seconds);
    },
    fail: (service, fault, failOpts = {}) => faults.add(service, fault, failOpts.times),
    route: (target, to) => proxy.route(target, to.port),
    connectFault: (host, fault) => proxy.connectFault(host, fault),
    trustWebIdentity: (roleArn, trust) => trusts.trust(roleArn, trust),
    requireMfa: (roleArn, requirement) => mfa.require(roleArn, requirement),
    setContainerCredentials: (containerOpts) => container.set(containerOpts),
    setClockOffset: (ms) => clock.setOffset(ms),
    awsNow: clock.now,
    principalFor: (accessKeyId) => principals.get(accessKeyId),
    reset() {
      recorded.clear();
      faults.clear();
      proxy.clearConnectFaults();
      catalogue.reset();
      fixedPassword = undefined;
      lifetimes.clear();
      trusts.clear();
      mfa.clear();
      container.reset();
      clock.setOffset(0);
      blackHole.reset();
    },
    async close() {
      if (!lifecycle.close()) return;
      server.closeAllConnections();
      await blackHole.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownTmp) rmSync(dir, { recursive: true, force: true });
    },
  };
  handleControl = createControlEndpoints(fake, recorded.dump, responder.send);
  return fake;
}

/** Reads the CA so a client can trust the tunnel certificates (e.g. HttpsProxyAgent's `ca`). */
export function readCa(fake: Pick<FakeAws, 'caFile'>): string {
  return readFileSync(fake.caFile, 'utf8');
}
