// The configuration every AWS client of ours shares: the registry's region and endpoint variant, the identity's
// credentials, our HTTP handler, and a retry policy that stays inside a bounded time.
import {
  fromHttp,
  fromIni,
  fromInstanceMetadata,
  fromTemporaryCredentials,
  fromWebToken,
} from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { Identity } from '../identity/identity';
import type { Registry } from '../registry/host';
import { createHttpHandler, type HttpOptions } from './http-handler';
import { handFilesToSdk } from './sdk-files';

export interface ClientDeps extends HttpOptions {
  identity: Identity;
  /** AWS_ENDPOINT_URL_ECR / _ECR_PUBLIC / AWS_ENDPOINT_URL, passed explicitly (the SDK rejects FIPS/dual-stack with it). */
  endpoint: string | undefined;
  awsConfigFile: string | undefined;
  awsCredentialsFile: string | undefined;
  /** AWS_ENDPOINT_URL_STS, for the AssumeRole call of a configured roleArn and a service account's exchange. */
  stsEndpoint: string | undefined;
  /** Per attempt at the instance metadata or container credentials endpoint. */
  metadataTimeoutMs: number;
  /**
   * The profile named by AWS_PROFILE or AWS_DEFAULT_PROFILE (platform/settings.ts): the SDK reads only AWS_PROFILE,
   * for everything the clients take from the shared config (endpoint_url, services, FIPS, retries).
   */
  sdkProfile: string | undefined;
  /** Asks a person for the code of a profile with mfa_serial (aws/mfa-prompt.ts); absent: the SDK's default. */
  mfaCodeProvider?: (serial: string) => Promise<string>;
}

/** Credentials for an identity: its one source (below), and optionally a role on top. */
export function credentialsFor(
  deps: ClientDeps,
  region: string,
  requestHandler: ReturnType<typeof createHttpHandler>,
): AwsCredentialIdentityProvider {
  const { identity } = deps;
  // Before any client or provider reads: the SDK gets the files our key was derived from, never reads them itself.
  handFilesToSdk(identity);
  // The key's endpoint material (identity.ts) follows the same profile; an SDK reading another would fetch elsewhere.
  if (deps.sdkProfile !== undefined && process.env.AWS_PROFILE !== deps.sdkProfile)
    process.env.AWS_PROFILE = deps.sdkProfile;
  const clientConfig = { region, requestHandler };
  const stsConfig = { ...clientConfig, ...(deps.stsEndpoint ? { endpoint: deps.stsEndpoint } : {}) };
  if (identity.serviceAccount) {
    // As AWS's ecr-credential-provider does: the pod's projected token, exchanged in the registry's region.
    return fromWebToken({
      roleArn: identity.serviceAccount.roleArn,
      webIdentityToken: identity.serviceAccount.token,
      roleSessionName: 'ecr-credential-provider',
      clientConfig: stsConfig,
    });
  }
  const base = sourceProvider(deps, clientConfig);
  if (!identity.role) return base;
  return fromTemporaryCredentials({
    masterCredentials: base,
    params: {
      RoleArn: identity.role.arn,
      RoleSessionName: identity.role.sessionName ?? 'docker-credential-ecr',
      ...(identity.role.externalId ? { ExternalId: identity.role.externalId } : {}),
    },
    clientConfig: stsConfig,
  });
}

/** Worded as the SDK's chain words it, so explain-credentials.ts names it "no AWS credentials were found" too. */
const noCredentials = (): Error =>
  Object.assign(new Error('Could not load credentials from any providers'), {
    name: 'CredentialsProviderError',
    tryNextLink: false,
  });

/**
 * The provider for exactly the source selectIdentity() chose, never the SDK's whole default chain: the chain could
 * pick another source than the one the cache key names (a profile with only a region, a web identity token for
 * another subject), and the token would then be cached under an identity it was not fetched as.
 */
function sourceProvider(
  deps: ClientDeps,
  clientConfig: { region: string; requestHandler: ReturnType<typeof createHttpHandler> },
): AwsCredentialIdentityProvider {
  const { identity, env } = deps;
  // The instance metadata service answers in milliseconds where it exists. Where it does not (a laptop, a CI
  // runner), each of the SDK's two attempts (IMDSv2 token, then v1) waits out this timeout: 2 x 800 ms here,
  // instead of the SDK's 2 x 1000 ms (AWS_METADATA_SERVICE_TIMEOUT, in seconds, overrides it as in the AWS CLI).
  const remote = { timeout: deps.metadataTimeoutMs, maxRetries: 0 };
  switch (identity.source) {
    case 'environment':
      // Taken from the environment we were given (not process.env), like everything else.
      return async () => ({
        accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
        ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      });
    case 'profile': {
      // A credential_source = EcsContainer in the chain: fromIni hands its options on to fromHttp, which then sends
      // the token that keyed the cache instead of reading AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE again.
      const container =
        identity.containerToken !== undefined
          ? {
              ...remote,
              awsContainerAuthorizationToken: identity.containerToken,
              awsContainerAuthorizationTokenFile: '',
            }
          : {};
      return fromIni({
        ...container,
        profile: identity.profile ?? 'default',
        ...(deps.mfaCodeProvider ? { mfaCodeProvider: deps.mfaCodeProvider } : {}),
        ...(deps.awsConfigFile ? { configFilepath: deps.awsConfigFile } : {}),
        ...(deps.awsCredentialsFile ? { filepath: deps.awsCredentialsFile } : {}),
        // No region: the SDK's SSO provider takes clientConfig.region before the profile's sso_region, and would ask
        // the portal of the registry's region (portal.sso.<registry region>), where the session does not exist. A
        // role assumed by the profile takes the profile's region, else the calling client's (the registry's).
        clientConfig: { requestHandler: clientConfig.requestHandler },
      });
    }
    case 'web-identity':
      // The very token whose claims keyed the cache (identity.ts), not the file read again: a file that changed in
      // between, or a pipe, would otherwise fetch as one subject and cache as another.
      return fromWebToken({
        roleArn: env.AWS_ROLE_ARN ?? '',
        webIdentityToken: identity.webIdentityToken ?? '',
        ...(env.AWS_ROLE_SESSION_NAME ? { roleSessionName: env.AWS_ROLE_SESSION_NAME } : {}),
        clientConfig,
      });
    case 'container':
      // The SDK's HTTP provider (Pod Identity, ECS) with the token that keyed the cache, passed explicitly: the
      // empty token-file option stops it from reading AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE again, and there is
      // no fall-back to the legacy provider, which would send AWS_CONTAINER_AUTHORIZATION_TOKEN instead.
      return fromHttp({
        ...remote,
        ...(env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
          ? { awsContainerCredentialsRelativeUri: env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI }
          : {}),
        ...(env.AWS_CONTAINER_CREDENTIALS_FULL_URI
          ? { awsContainerCredentialsFullUri: env.AWS_CONTAINER_CREDENTIALS_FULL_URI }
          : {}),
        awsContainerAuthorizationToken: identity.containerToken ?? '',
        awsContainerAuthorizationTokenFile: '',
      });
    case 'instance': {
      const instance = fromInstanceMetadata(remote);
      return async (options) => {
        try {
          return await instance(options);
        } catch {
          // The last link of the SDK's chain: no metadata service (not on EC2) means no credentials at all.
          throw noCredentials();
        }
      };
    }
    default:
      return async () => {
        throw noCredentials();
      };
  }
}

export function clientConfig(registry: Registry, deps: ClientDeps) {
  const requestHandler = createHttpHandler(deps);
  return {
    region: registry.region,
    credentials: credentialsFor(deps, registry.region, requestHandler),
    ...(deps.endpoint ? { endpoint: deps.endpoint } : {}),
    requestHandler,
    // Standard retry: exponential backoff with full jitter for throttling and 5xx, no retry for AccessDenied,
    // expired credentials or validation errors. Three attempts fit inside the caller's overall deadline.
    maxAttempts: 3,
    retryMode: 'standard',
    useFipsEndpoint: registry.fips && !deps.endpoint,
    useDualstackEndpoint: registry.dualstack && registry.kind === 'ecr' && !deps.endpoint,
  } as const;
}
