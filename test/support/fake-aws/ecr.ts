// ECR and ECR Public: GetAuthorizationToken, which issues a fresh token (recorded in `issued`) on each call, and
// for ECR the catalogue calls `doctor IMAGE` makes (../fake-ecr-catalogue.ts). Both speak AWS JSON 1.1; their
// answers differ in shape, as the real services' do.
import { randomBytes } from 'node:crypto';
import type * as http from 'node:http';
import type { Clock } from './clock';
import { DEFAULT_TOKEN_LIFETIME_SECONDS, OVERSIZED_BYTES, type Service } from './constants';
import type { Fault } from './faults';
import type { FakeCall, IssuedToken } from './recorded-calls';
import { jsonContentType, type Responder } from './responses';
import type { createEcrCatalogue } from '../fake-ecr-catalogue';

export interface EcrDeps {
  account: string;
  clock: Clock;
  issued: IssuedToken[];
  /** setTokenLifetime()'s lifetimes, per service. */
  lifetimes: ReadonlyMap<Service, number>;
  /** setTokenPassword()'s password, when one is set. */
  fixedPassword(): string | undefined;
  catalogue: ReturnType<typeof createEcrCatalogue>;
  responder: Responder;
}

export function createEcr(deps: EcrDeps): (res: http.ServerResponse, call: FakeCall, fault: Fault | undefined) => void {
  const { account, clock, responder, catalogue } = deps;
  const { send, sendError } = responder;
  let tokenCounter = 0;

  function issueToken(service: 'ecr' | 'ecr-public', call: FakeCall, oversized: boolean): IssuedToken {
    const n = ++tokenCounter;
    const base = `fake-${service}-${String(n).padStart(6, '0')}-${randomBytes(12).toString('hex')}`;
    const password = oversized ? base + 'x'.repeat(OVERSIZED_BYTES) : (deps.fixedPassword() ?? base);
    const lifetime = deps.lifetimes.get(service) ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
    const token: IssuedToken = {
      service,
      region: call.region,
      accessKeyId: call.accessKeyId,
      password,
      authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
      // On AWS's clock. Real answers carry fractional seconds too.
      expiresAt: Math.round(clock.now() + lifetime * 1000) / 1000,
      at: Date.now(),
    };
    deps.issued.push(token);
    return token;
  }

  return function answerEcr(res, call, fault) {
    const catalogued =
      call.service === 'ecr' && call.action !== 'GetAuthorizationToken' ? catalogue.answer(call) : undefined;
    if (catalogued)
      return 'error' in catalogued
        ? sendError(res, call, { ...catalogued.error, type: 'Sender' })
        : send(res, 200, jsonContentType(call.service), JSON.stringify(catalogued.body));
    if (call.action !== 'GetAuthorizationToken') {
      sendError(res, call, {
        status: 400,
        code: 'UnknownOperationException',
        message: `fake-aws does not implement ${call.action}`,
        type: 'Sender',
      });
      return;
    }
    const ct = jsonContentType(call.service);
    if (fault === 'malformed') return send(res, 200, ct, '{"authorizationData":[{"authorizationToken":"QVdTOmZha');
    if (call.service === 'ecr') {
      if (fault === 'empty') return send(res, 200, ct, '{"authorizationData":[]}');
      const region = call.region ?? 'us-east-1';
      const ids = call.body.registryIds;
      const accounts = Array.isArray(ids) && ids.length > 0 ? ids.map(String) : [account];
      const token = issueToken('ecr', call, fault === 'oversized');
      token.proxyEndpoints = accounts.map((a) => `https://${a}.dkr.ecr.${region}.amazonaws.com`);
      // ECR hands out one token valid for every registry asked about.
      const authorizationData = token.proxyEndpoints.map((proxyEndpoint) => ({
        authorizationToken: token.authorizationToken,
        expiresAt: token.expiresAt,
        proxyEndpoint,
      }));
      return send(res, 200, ct, JSON.stringify({ authorizationData }));
    }
    // ECR Public's authorizationData is a single object, not a list, and has no proxyEndpoint.
    if (fault === 'empty') return send(res, 200, ct, '{"authorizationData":{}}');
    const token = issueToken('ecr-public', call, fault === 'oversized');
    send(
      res,
      200,
      ct,
      JSON.stringify({
        authorizationData: { authorizationToken: token.authorizationToken, expiresAt: token.expiresAt },
      }),
    );
  };
}
