// GET containerCredentialsUrl: an EKS Pod Identity / ECS style container-credentials endpoint, as the SDK's
// fromHttp and fromContainerMetadata ask it. It checks the Authorization header against the token the pod's
// token file would hold, and serves a role's credentials, registered with principals.ts like any other key.
import { randomBytes } from 'node:crypto';
import type * as http from 'node:http';
import type { Clock } from './clock';
import { DEFAULT_STS_LIFETIME_SECONDS } from './constants';
import type { FaultQueues } from './faults';
import type { Lifecycle } from './lifecycle';
import { randomSecret, roleSession, type Principals } from './principals';
import type { ContainerCredentialsCall } from './recorded-calls';
import { isoSeconds, type Responder } from './responses';

export interface ContainerCredentialsOptions {
  /** The Authorization value the endpoint accepts (the token file's exact contents). */
  authorizationToken?: string;
  /** Role whose credentials are served; arn:aws:iam::<account>:role/fake-pod-role by default. */
  roleArn?: string;
  /** Session name in the served role's ARN; a counter is appended. */
  sessionName?: string;
  lifetimeSeconds?: number;
}

export interface ContainerEndpointDeps {
  account: string;
  clock: Clock;
  containerCalls: ContainerCredentialsCall[];
  faults: FaultQueues;
  principals: Principals;
  responder: Responder;
  lifecycle: Lifecycle;
}

export interface ContainerEndpoint {
  handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;
  /** Unset fields keep their current values. */
  set(opts: ContainerCredentialsOptions): void;
  readonly authorizationToken: string;
  reset(): void;
}

export function createContainerEndpoint(deps: ContainerEndpointDeps): ContainerEndpoint {
  const { account, clock, faults, principals, lifecycle } = deps;
  const defaultToken = randomBytes(24).toString('base64url');
  const defaults = (): Required<ContainerCredentialsOptions> => ({
    authorizationToken: defaultToken,
    roleArn: `arn:aws:iam::${account}:role/fake-pod-role`,
    sessionName: 'eks-fake-cluster-pod',
    lifetimeSeconds: DEFAULT_STS_LIFETIME_SECONDS,
  });
  let settings = defaults();
  let counter = 0;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    for await (const _chunk of req as AsyncIterable<Buffer>) {
      // Drained, unused: the endpoint takes no body.
    }
    const auth = req.headers.authorization;
    const record: ContainerCredentialsCall = {
      method: req.method ?? '',
      path: req.url ?? '',
      ...(auth !== undefined ? { authorization: auth } : {}),
      status: 0,
      ...(typeof req.headers['user-agent'] === 'string' ? { userAgent: req.headers['user-agent'] } : {}),
      at: Date.now(),
    };
    deps.containerCalls.push(record);
    const answer = (status: number, body: unknown): void => {
      record.status = status;
      deps.responder.send(res, status, 'application/json', typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (req.method !== 'GET') return answer(405, { Code: 'MethodNotAllowed', Message: `${req.method} is not allowed` });
    const fault = faults.take('container');
    if (fault !== undefined) record.fault = fault;
    if (fault === 'hang') return; // close() destroys the socket.
    if (typeof fault === 'object') {
      await lifecycle.delay(fault.slow);
      if (lifecycle.closed) return;
    }
    if (fault === 'http-500')
      return answer(500, { Code: 'InternalServerError', Message: 'fake-aws: injected failure' });
    if (fault === 'throttle') return answer(429, { Code: 'ThrottlingException', Message: 'Rate exceeded' });
    if (fault === 'access-denied')
      return answer(403, { Code: 'AccessDeniedException', Message: `Not authorized to assume ${settings.roleArn}` });
    if (fault === 'malformed') return answer(200, '{"AccessKeyId":"ASIA');
    if (fault === 'empty') return answer(200, {});
    if (auth === undefined || auth === '') {
      return answer(401, { Code: 'Unauthorized', Message: 'Authorization header is missing' });
    }
    if (auth !== settings.authorizationToken) {
      return answer(403, { Code: 'AccessDeniedException', Message: 'The Authorization token is not valid' });
    }
    const n = ++counter;
    const accessKeyId = `ASIAFAKECONT${String(n).padStart(8, '0')}`;
    const roleSessionName = `${settings.sessionName}-${n}`;
    const session = roleSession(settings.roleArn, roleSessionName, account);
    principals.add({ accessKeyId, source: 'container', roleArn: settings.roleArn, roleSessionName, ...session });
    record.accessKeyId = accessKeyId;
    const lifetime = fault === 'expired-credentials' ? -60 : settings.lifetimeSeconds;
    answer(200, {
      AccessKeyId: accessKeyId,
      SecretAccessKey: randomSecret(40),
      Token: `IQoJb3JpZ2luX2VjEFAKE${n}${randomSecret(120)}`,
      AccountId: session.account,
      Expiration: isoSeconds(new Date(clock.now() + lifetime * 1000)),
    });
  }

  return {
    handle,
    set(opts) {
      const defined = Object.fromEntries(
        Object.entries(opts).filter(([, v]) => v !== undefined),
      ) as ContainerCredentialsOptions;
      if (defined.authorizationToken !== undefined && /[\r\n]/.test(defined.authorizationToken)) {
        throw new Error('setContainerCredentials: an HTTP header cannot carry CR or LF');
      }
      settings = { ...settings, ...defined };
    },
    get authorizationToken() {
      return settings.authorizationToken;
    },
    reset() {
      settings = defaults();
    },
  };
}
