// Who the AWS credentials belong to (STS GetCallerIdentity), with the helper's own credential chain and HTTP
// handler, so `configure` and `doctor` see exactly the identity a `get` would use. Loads the AWS SDK: reached
// only through `configure` and `doctor`, never on the `get` path.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { classify } from './explain';
import type { ErrorCategory } from '../platform/errors';
import type { Identity } from '../identity/identity';
import { credentialsFor } from './client-config';
import { clientDepsFor } from './client-deps';
import { createHttpHandler } from './http-handler';
import type { Env, Settings } from '../platform/settings';
import { startDeadline } from '../platform/deadline';

export interface CallerIdentity {
  account: string;
  arn: string;
  /** When the credentials expire, if their provider says (SSO, roles, web identity, container and instance roles). */
  expiresAt?: number;
}

export type CallerIdentityResult =
  | ({ ok: true } & CallerIdentity)
  /** `stage` tells a chain that found no usable credentials from STS refusing the ones it found. */
  | { ok: false; stage: 'credentials' | 'sts'; error: unknown };

/** GetCallerIdentity as `identity`; STS in `region` (us-east-1 when none is known), or AWS_ENDPOINT_URL_STS. */
export async function callerIdentity(
  identity: Identity,
  region: string | undefined,
  deps: { settings: Settings; env: Env; now: () => number },
): Promise<CallerIdentityResult> {
  const { settings } = deps;
  const stsEndpoint = settings.endpointOverrides.sts ?? settings.endpointOverrides.all;
  const clientDeps = clientDepsFor(identity, stsEndpoint, deps);
  const stsRegion = region ?? 'us-east-1';
  const controller = new AbortController();
  // A credential provider takes no abort signal, so the deadline races it instead.
  const deadline = startDeadline(settings.timeoutMs, deps.now, () => controller.abort());
  let stage: 'credentials' | 'sts' = 'credentials';
  let client: STSClient | undefined;
  try {
    const requestHandler = createHttpHandler(clientDeps);
    const credentials = await Promise.race([credentialsFor(clientDeps, stsRegion, requestHandler)(), deadline.promise]);
    stage = 'sts';
    client = new STSClient({
      region: stsRegion,
      credentials,
      requestHandler,
      ...(stsEndpoint ? { endpoint: stsEndpoint } : {}),
      maxAttempts: 3,
      retryMode: 'standard',
    });
    const answer = await Promise.race([
      client.send(new GetCallerIdentityCommand({}), { abortSignal: controller.signal }),
      deadline.promise,
    ]);
    if (!answer.Account || !answer.Arn)
      return {
        ok: false,
        stage,
        error: new Error('Deserialization: GetCallerIdentity answered without Account or Arn'),
      };
    return {
      ok: true,
      account: answer.Account,
      arn: answer.Arn,
      ...(credentials.expiration ? { expiresAt: credentials.expiration.getTime() } : {}),
    };
  } catch (error) {
    return { ok: false, stage, error };
  } finally {
    deadline.clear();
    client?.destroy();
  }
}

/** Why GetCallerIdentity failed, and the fix, in the words `get` would use (explain.ts) but naming STS. */
export function explainCallerIdentityFailure(
  error: unknown,
  identity: Identity,
): { category: ErrorCategory; cause: string; hint: string } {
  return classify(error, {
    // GetCallerIdentity needs no permission, and an explicit deny does not stop it (AWS's API reference): no actions.
    call: { api: 'STS API', endpointVariable: 'AWS_ENDPOINT_URL_STS' },
    identityLabel: identity.label,
    ...(identity.profile ? { profile: identity.profile } : {}),
  });
}
