// Private ECR: GetAuthorizationToken in the registry's own region. The token serves every registry in that
// region that the principal can reach, so no registryIds are sent (that parameter is deprecated).
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import type { EcrRegistry } from '../registry/host';
import { clientConfig, type ClientDeps } from './client-config';
import { decodeAuthorizationToken, type TokenSource } from './token';

export function ecrTokenSource(
  registry: EcrRegistry,
  deps: ClientDeps & { now: () => number; abortSignal: AbortSignal },
): TokenSource {
  return async () => {
    const client = new ECRClient(clientConfig(registry, deps));
    try {
      const response = await client.send(new GetAuthorizationTokenCommand({}), { abortSignal: deps.abortSignal });
      const data = response.authorizationData?.[0];
      return decodeAuthorizationToken(
        data?.authorizationToken,
        data?.expiresAt,
        deps.now(),
        `ECR API in ${registry.region}`,
        client.config.systemClockOffset ?? 0,
      );
    } finally {
      client.destroy();
    }
  };
}
