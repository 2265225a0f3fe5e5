// The ECR API calls `doctor IMAGE` makes after the registry's answer, to tell a missing repository, one in another
// region, a repository policy and a pull-through-cache prefix apart. Each needs its own IAM permission; a refusal
// is an answer too (the caller says which permission was missing). Loaded only by doctor.
import {
  DescribePullThroughCacheRulesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetRepositoryPolicyCommand,
} from '@aws-sdk/client-ecr';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { EcrRegistry } from '../registry/host';
import { clientConfig, credentialsFor, type ClientDeps } from './client-config';
import { createHttpHandler } from './http-handler';

/** One call's outcome: the value, or the AWS error's name and message (never a secret). */
export type ApiAnswer<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

export interface RegistryApi {
  /** Whether the repository exists in `region` (the registry's by default). */
  repositoryExists(name: string, region?: string): Promise<ApiAnswer<boolean>>;
  /** The repository's policy text; undefined when it has none. */
  repositoryPolicy(name: string): Promise<ApiAnswer<string | undefined>>;
  pullThroughRules(): Promise<ApiAnswer<Array<{ prefix: string; upstream: string; credentialArn?: string }>>>;
  destroy(): void;
}

async function answer<T>(call: () => Promise<T>): Promise<ApiAnswer<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    const e = error as { name?: unknown; message?: unknown };
    const message = typeof e.message === 'string' ? e.message.replace(/[^\x20-\x7e]/g, ' ').slice(0, 300) : '';
    return { ok: false, code: typeof e.name === 'string' ? e.name : 'Error', message };
  }
}

/** Clients for the registry's account, one per region asked, sharing one resolution of the credentials. */
export function registryApi(registry: EcrRegistry, deps: ClientDeps): RegistryApi {
  const clients = new Map<string, ECRClient>();
  let credentials: Promise<AwsCredentialIdentity> | undefined;
  const shared = (): Promise<AwsCredentialIdentity> =>
    (credentials ??= credentialsFor(deps, registry.region, createHttpHandler(deps))());
  const client = (region: string): ECRClient => {
    let c = clients.get(region);
    if (!c) {
      c = new ECRClient({ ...clientConfig({ ...registry, region }, deps), credentials: shared, maxAttempts: 1 });
      clients.set(region, c);
    }
    return c;
  };
  const registryId = registry.account;
  return {
    repositoryExists: (name, region = registry.region) =>
      answer(async () => {
        try {
          await client(region).send(new DescribeRepositoriesCommand({ registryId, repositoryNames: [name] }));
          return true;
        } catch (error) {
          if ((error as { name?: unknown }).name === 'RepositoryNotFoundException') return false;
          throw error;
        }
      }),
    repositoryPolicy: (name) =>
      answer(async () => {
        try {
          return (
            await client(registry.region).send(new GetRepositoryPolicyCommand({ registryId, repositoryName: name }))
          ).policyText;
        } catch (error) {
          if ((error as { name?: unknown }).name === 'RepositoryPolicyNotFoundException') return undefined;
          throw error;
        }
      }),
    pullThroughRules: () =>
      answer(async () => {
        const rules =
          (await client(registry.region).send(new DescribePullThroughCacheRulesCommand({ registryId })))
            .pullThroughCacheRules ?? [];
        return rules.map((r) => ({
          prefix: r.ecrRepositoryPrefix ?? '',
          upstream: r.upstreamRegistryUrl ?? '',
          ...(r.credentialArn ? { credentialArn: r.credentialArn } : {}),
        }));
      }),
    destroy: () => {
      for (const c of clients.values()) c.destroy();
    },
  };
}
