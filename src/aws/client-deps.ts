// The client settings for an identity, from the request's settings and environment. Apart from client-config.ts,
// which imports the SDK's credential providers: the token service builds these on every request, a cache hit
// included, and a hit loads no SDK code.
import type { Identity } from '../identity/identity';
import type { Env, Settings } from '../platform/settings';
import type { ClientDeps } from './client-config';

export function clientDepsFor(
  identity: Identity,
  endpoint: string | undefined,
  deps: { settings: Settings; env: Env },
): ClientDeps {
  const { settings } = deps;
  return {
    env: deps.env,
    caBundle: settings.caBundle,
    requestTimeoutMs: Math.min(10_000, settings.timeoutMs),
    metadataTimeoutMs: settings.metadataTimeoutMs,
    identity,
    endpoint,
    awsConfigFile: settings.awsConfigFile,
    awsCredentialsFile: settings.awsCredentialsFile,
    sdkProfile: settings.awsProfile,
    stsEndpoint: settings.endpointOverrides.sts ?? settings.endpointOverrides.all,
  };
}
