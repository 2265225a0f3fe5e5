// ECR Public: GetAuthorizationToken in us-east-1, one token for public.ecr.aws and ecr-public.aws.com.
import { ECRPUBLICClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr-public';
import type { EcrPublicRegistry } from '../registry/host';
import { clientConfig, type ClientDeps } from './client-config';
import { decodeAuthorizationToken, type TokenSource } from './token';

export function ecrPublicTokenSource(
  registry: EcrPublicRegistry,
  deps: ClientDeps & { now: () => number; abortSignal: AbortSignal },
): TokenSource {
  return async () => {
    const client = new ECRPUBLICClient(clientConfig(registry, deps));
    try {
      const response = await client.send(new GetAuthorizationTokenCommand({}), { abortSignal: deps.abortSignal });
      const data = response.authorizationData;
      return decodeAuthorizationToken(
        data?.authorizationToken,
        data?.expiresAt,
        deps.now(),
        'ECR Public API in us-east-1',
        client.config.systemClockOffset ?? 0,
      );
    } finally {
      client.destroy();
    }
  };
}
