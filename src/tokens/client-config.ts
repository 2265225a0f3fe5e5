// The configuration every AWS client of ours shares: the registry's region and endpoint variant, the identity's
// credentials, our HTTP handler, and a retry policy that stays inside a bounded time.
import { fromNodeProviderChain, fromTemporaryCredentials, fromWebToken } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { Identity } from '../identity/identity';
import type { Registry } from '../registry/host';
import { createHttpHandler, type HttpOptions } from './http-handler';

export interface ClientDeps extends HttpOptions {
  identity: Identity;
  /** AWS_ENDPOINT_URL_ECR / _ECR_PUBLIC / AWS_ENDPOINT_URL, passed explicitly (the SDK rejects FIPS/dual-stack with it). */
  endpoint: string | undefined;
  awsConfigFile: string | undefined;
  awsCredentialsFile: string | undefined;
  /** AWS_ENDPOINT_URL_STS, for the AssumeRole call of a configured roleArn and a service account's exchange. */
  stsEndpoint: string | undefined;
  /** Asks a person for the code of a profile with mfa_serial (identity/mfa-prompt.ts); absent: the SDK's default. */
  mfaCodeProvider?: (serial: string) => Promise<string>;
}

export const METADATA_TIMEOUT_MS = 800;

function metadataTimeoutMs(env: ClientDeps['env']): number {
  const seconds = Number(env.AWS_METADATA_SERVICE_TIMEOUT);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : METADATA_TIMEOUT_MS;
}

/** Credentials for an identity: the SDK's default chain, a chosen profile, and optionally a role on top. */
export function credentialsFor(deps: ClientDeps, region: string, requestHandler: ReturnType<typeof createHttpHandler>): AwsCredentialIdentityProvider {
  const { identity, env } = deps;
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
  // Environment keys are taken from the environment we were given (not process.env), like everything else.
  const base: AwsCredentialIdentityProvider =
    identity.source === 'environment' && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? async () => ({
          accessKeyId: env.AWS_ACCESS_KEY_ID!,
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY!,
          ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
        })
      : fromNodeProviderChain({
          // The instance metadata service answers in milliseconds where it exists. Where it does not (a laptop, a
          // CI runner), each of the SDK's two attempts (IMDSv2 token, then v1) waits out this timeout before the
          // chain says "no credentials": 2 x 1000 ms by default, 2 x 800 ms here (AWS_METADATA_SERVICE_TIMEOUT, in
          // seconds, overrides it as in the AWS CLI).
          timeout: metadataTimeoutMs(env),
          maxRetries: 0,
          ...(deps.mfaCodeProvider ? { mfaCodeProvider: deps.mfaCodeProvider } : {}),
          ...(identity.profile ? { profile: identity.profile } : {}),
          ...(deps.awsConfigFile ? { configFilepath: deps.awsConfigFile } : {}),
          ...(deps.awsCredentialsFile ? { filepath: deps.awsCredentialsFile } : {}),
          clientConfig,
        });
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
