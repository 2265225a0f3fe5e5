// One AWS API request, from the wire to the service that answers it: which service and action it is (from
// X-Amz-Target, or awsQuery's Action and the signing scope), who signed it, and the checks AWS makes before
// any service sees it, in AWS's order: the signing time, then the injected fault, then the missing signature.
import type * as http from 'node:http';
import type { Clock } from './clock';
import { ECR_PUBLIC_TARGET_PREFIX, ECR_TARGET_PREFIX, STS_JSON_TARGET_PREFIX, type Service } from './constants';
import { faultError } from './fault-errors';
import type { Fault, FaultQueues } from './faults';
import type { Lifecycle } from './lifecycle';
import type { FakeCall } from './recorded-calls';
import type { Responder } from './responses';
import { outsideSignatureWindow, parseAuthorization, signatureTimeMessage, signedAt, type Identity } from './signature';

const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

/** How a request reached the fake: directly, or through the proxy (and which CONNECT tunnel). */
export interface Tunnel {
  connectTarget?: string;
  viaProxy: boolean;
}

type Answer = (res: http.ServerResponse, call: FakeCall, fault: Fault | undefined) => void;

export interface ApiDeps {
  account: string;
  clock: Clock;
  calls: FakeCall[];
  faults: FaultQueues;
  responder: Responder;
  lifecycle: Lifecycle;
  sts: Answer;
  ecr: Answer;
}

function classify(
  req: http.IncomingMessage,
  rawBody: string,
  id: Identity,
): Pick<FakeCall, 'service' | 'action' | 'target' | 'protocol' | 'body'> {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string' && target.includes('.')) {
    const [prefix, action] = [target.slice(0, target.lastIndexOf('.')), target.slice(target.lastIndexOf('.') + 1)];
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = rawBody ? JSON.parse(rawBody) : {};
      body =
        parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
          ? (parsed as Record<string, unknown>)
          : { value: parsed };
    } catch {
      body = { raw: rawBody };
    }
    const service: Service | 'unknown' =
      prefix === ECR_TARGET_PREFIX
        ? 'ecr'
        : prefix === ECR_PUBLIC_TARGET_PREFIX
          ? 'ecr-public'
          : prefix === STS_JSON_TARGET_PREFIX
            ? 'sts'
            : 'unknown';
    return { service, action, target, protocol: 'json', body };
  }
  const params = new URLSearchParams(rawBody);
  const url = new URL(req.url ?? '/', 'http://fake');
  if (!params.has('Action')) url.searchParams.forEach((v, k) => params.append(k, v));
  const body: Record<string, unknown> = Object.fromEntries(params);
  const action = params.get('Action') ?? '';
  // The Action name alone does not say which service; the signing scope does.
  const service: Service | 'unknown' =
    id.signingService === 'sts' || /^(AssumeRole|GetCallerIdentity|GetSessionToken)/.test(action) ? 'sts' : 'unknown';
  return { service, action, protocol: 'query', body };
}

export function createApiHandler(
  deps: ApiDeps,
): (req: http.IncomingMessage, res: http.ServerResponse, tunnel: Tunnel) => Promise<void> {
  const { clock, responder, lifecycle } = deps;
  const { send, sendError } = responder;
  return async function handleApi(req, res, tunnel) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        res.writeHead(413).end();
        return;
      }
      chunks.push(chunk);
    }
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const id = parseAuthorization(req.headers);
    const kind = classify(req, rawBody, id);
    const call: FakeCall = {
      ...kind,
      ...(id.region !== undefined ? { region: id.region } : {}),
      ...(id.signingService !== undefined ? { signingService: id.signingService } : {}),
      ...(id.accessKeyId !== undefined ? { accessKeyId: id.accessKeyId } : {}),
      ...(id.sessionToken !== undefined ? { sessionToken: id.sessionToken } : {}),
      host: req.headers.host ?? '',
      at: Date.now(),
      viaProxy: tunnel.viaProxy,
      ...(tunnel.connectTarget !== undefined ? { connectTarget: tunnel.connectTarget } : {}),
      ...(typeof req.headers['user-agent'] === 'string' ? { userAgent: req.headers['user-agent'] } : {}),
    };
    deps.calls.push(call);

    if (call.service === 'unknown') {
      sendError(res, call, {
        status: 400,
        code: 'UnknownOperationException',
        message: `fake-aws cannot tell which service ${req.headers['x-amz-target'] ?? call.action} is`,
        type: 'Sender',
      });
      return;
    }
    const sts = call.service === 'sts';
    // AWS checks the signing time against its own clock before anything else (and before faults,
    // which stand for later stages). The SDK corrects its clock from this answer's Date and retries.
    const signed = signedAt(req.headers);
    if (signed !== undefined && outsideSignatureWindow(signed, clock.now())) {
      return sendError(res, call, {
        status: sts ? 403 : 400,
        code: sts ? 'SignatureDoesNotMatch' : 'InvalidSignatureException',
        message: signatureTimeMessage(signed, clock.now()),
        type: 'Sender',
      });
    }
    const fault = deps.faults.take(call.service);
    if (fault !== undefined) call.fault = fault;
    if (fault === 'hang') return; // close() destroys the socket.
    if (fault === 'proxy-refusal') {
      call.error = 'proxy-refusal';
      return send(
        res,
        403,
        'text/html',
        '<html><head><title>Access Denied</title></head><body><h1>Access Denied</h1><p>Your request to this site has been blocked by the network policy.</p></body></html>',
      );
    }
    if (typeof fault === 'object') {
      await lifecycle.delay(fault.slow);
      if (lifecycle.closed) return;
    }
    const error = fault === undefined ? undefined : faultError(call, fault, deps.account, clock.now());
    if (error) return sendError(res, call, error);
    // AWS rejects unsigned calls before anything else; the fake does too, so a helper that forgot
    // to sign cannot pass. AssumeRoleWithWebIdentity is the one unsigned action.
    if (!call.accessKeyId && call.action !== 'AssumeRoleWithWebIdentity') {
      return sendError(res, call, {
        status: sts ? 403 : 400,
        code: sts ? 'MissingAuthenticationToken' : 'MissingAuthenticationTokenException',
        message: 'Missing Authentication Token',
        type: 'Sender',
      });
    }
    if (sts) deps.sts(res, call, fault);
    else deps.ecr(res, call, fault);
  };
}
