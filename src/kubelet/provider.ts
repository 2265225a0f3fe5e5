// The kubelet's image credential provider mode: one CredentialProviderRequest on stdin, one
// CredentialProviderResponse on stdout, served by the same routing, identities, token service and disk cache as
// Docker's protocol. Failures: exit 1, one line on stderr (the kubelet logs it with the image), nothing on stdout.
import { serviceAccountIdentity, type Identity } from '../identity/identity';
import { CredentialsNotFoundError, HelperError, MissingServerUrlError } from '../platform/errors';
import { readInput } from '../platform/read-input';
import { routeServerUrl } from '../registry/routing';
import { getToken } from '../tokens/service';
import type { RequestContext } from '../tokens/context';
import { KubeletRequestError, parseKubeletRequest, type KubeletRequest } from './request';
import { authKeyFor, cacheDurationFor, encodeKubeletResponse } from './response';
import { roleForServiceAccount } from './role';
import { serviceAccountFromToken } from './service-account';

export interface KubeletIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  /** One line for the kubelet's log. */
  report: (message: string) => void;
}

/** Runs one request; returns the exit code. */
export async function runKubeletProvider(io: KubeletIo, deps: RequestContext): Promise<number> {
  try {
    const input = await readInput(io.stdin);
    if (input.oversized) throw new KubeletRequestError('request is larger than 64 KiB');
    const response = await answer(parseKubeletRequest(input.text), deps);
    io.stdout.write(response);
    return 0;
  } catch (error) {
    io.report(
      error instanceof HelperError
        ? error.message
        : `internal error (${error instanceof Error ? error.name : typeof error})`,
    );
    return 1;
  }
}

async function answer(request: KubeletRequest, deps: RequestContext): Promise<string> {
  // host[:port], as the image spells it: what routing parses and what the answer's auth key is.
  const authKey = authKeyFor(request.host, request.port);
  let route;
  try {
    route = routeServerUrl(authKey, deps.settings);
  } catch (error) {
    // Docker's protocol answers "credentials not found"; the kubelet only logs stderr, so say what happened.
    if (error instanceof CredentialsNotFoundError || error instanceof MissingServerUrlError) {
      throw new KubeletRequestError(
        `${request.image}: not served by this provider (${error instanceof CredentialsNotFoundError ? error.reason : 'no host'}); it serves ECR and ECR Public hosts and the config file's custom hosts`,
      );
    }
    throw error;
  }
  const identity = identityFor(request, route.identity, deps);
  // The route as it is, with the pod's identity: a field copied by hand (customPattern's public-suffix check) could be lost.
  const token = await getToken({ ...route, identity }, deps);
  const response = encodeKubeletResponse({
    apiVersion: request.apiVersion,
    authKey,
    username: token.username,
    password: token.password,
    cacheDurationMs: cacheDurationFor(token, deps.now()),
  });
  deps.hitMemo?.answered({ kind: 'kubelet', apiVersion: request.apiVersion, authKey });
  return response;
}

/** The pod's own role when the kubelet sent its service account's token and a role is named; else the node's. */
function identityFor(request: KubeletRequest, nodeIdentity: Identity, deps: RequestContext): Identity {
  const token = request.serviceAccountToken;
  if (!token) return nodeIdentity;
  deps.log.secret(token);
  const role = roleForServiceAccount(request.serviceAccountAnnotations, deps.env);
  if (!role) {
    deps.log.debug('service-account token without a role annotation or AWS_ECR_ROLE_ARN: using the node identity');
    return nodeIdentity;
  }
  const account = serviceAccountFromToken(token, deps.now());
  // A memo of this hit must not outlive the token it was decided for.
  deps.hitMemo?.notAfter(account.expiresAt);
  deps.log.debug(`service account ${account.namespace}/${account.name} assumes ${role.roleArn} (from ${role.source})`);
  // The clients still read the node's shared config (endpoints, retries): the files as read for the node identity.
  return {
    ...serviceAccountIdentity(role.roleArn, account, token),
    ...(nodeIdentity.sdkFiles ? { sdkFiles: nodeIdentity.sdkFiles } : {}),
  };
}
