// The ECR API calls `doctor IMAGE` makes, for the fake AWS: DescribeRepositories, GetRepositoryPolicy and
// DescribePullThroughCacheRules over a catalogue the test sets up, per region (from the call's signing scope).
// Answers and error codes as ECR's model declares them. Nothing here changes GetAuthorizationToken.

export interface CatalogueCall {
  action: string;
  region?: string;
  body: Record<string, unknown>;
}

export interface ErrorAnswer {
  status: number;
  code: string;
  message: string;
}

export interface FakeEcrCatalogue {
  /** A repository in `region` (of the fake's account unless `account`), with a policy document if given. */
  addRepository(region: string, name: string, opts?: { account?: string; policy?: string }): void;
  addPullThroughRule(region: string, prefix: string, upstream: string): void;
  /** Every later call of `action` (e.g. 'DescribeRepositories') is refused with AccessDeniedException. */
  deny(action: string): void;
  reset(): void;
}

export function createEcrCatalogue(
  defaultAccount: string,
): FakeEcrCatalogue & { answer(call: CatalogueCall): { body: unknown } | { error: ErrorAnswer } | undefined } {
  const repositories: Array<{ region: string; account: string; name: string; policy?: string }> = [];
  const rules: Array<{ region: string; prefix: string; upstream: string }> = [];
  const denied = new Set<string>();
  const notFound = (name: string, account: string): { error: ErrorAnswer } => ({
    error: {
      status: 400,
      code: 'RepositoryNotFoundException',
      message: `The repository with name '${name}' does not exist in the registry with id '${account}'`,
    },
  });
  return {
    addRepository: (region, name, opts = {}) =>
      void repositories.push({
        region,
        name,
        account: opts.account ?? defaultAccount,
        ...(opts.policy ? { policy: opts.policy } : {}),
      }),
    addPullThroughRule: (region, prefix, upstream) => void rules.push({ region, prefix, upstream }),
    deny: (action) => void denied.add(action),
    reset() {
      repositories.length = 0;
      rules.length = 0;
      denied.clear();
    },
    answer(call) {
      const region = call.region ?? 'us-east-1';
      const account = typeof call.body.registryId === 'string' ? call.body.registryId : defaultAccount;
      if (!['DescribeRepositories', 'GetRepositoryPolicy', 'DescribePullThroughCacheRules'].includes(call.action))
        return undefined;
      if (denied.has(call.action)) {
        return {
          error: {
            status: 400,
            code: 'AccessDeniedException',
            message: `User: arn:aws:iam::${defaultAccount}:user/x is not authorized to perform: ecr:${call.action} on resource: arn:aws:ecr:${region}:${account}:repository/* because no identity-based policy allows the ecr:${call.action} action`,
          },
        };
      }
      const find = (name: unknown) =>
        repositories.find((r) => r.region === region && r.account === account && r.name === name);
      if (call.action === 'DescribeRepositories') {
        const names = Array.isArray(call.body.repositoryNames) ? call.body.repositoryNames.map(String) : [];
        const found = names.map((n) => find(n));
        const missing = names.find((_n, i) => !found[i]);
        if (missing !== undefined) return notFound(missing, account);
        return {
          body: {
            repositories: found.map((r) => ({
              repositoryName: r!.name,
              registryId: account,
              repositoryArn: `arn:aws:ecr:${region}:${account}:repository/${r!.name}`,
              repositoryUri: `${account}.dkr.ecr.${region}.amazonaws.com/${r!.name}`,
            })),
          },
        };
      }
      if (call.action === 'GetRepositoryPolicy') {
        const repo = find(call.body.repositoryName);
        if (!repo) return notFound(String(call.body.repositoryName), account);
        if (!repo.policy)
          return {
            error: {
              status: 400,
              code: 'RepositoryPolicyNotFoundException',
              message: `Repository policy does not exist for the repository with name '${repo.name}' in the registry with id '${account}'`,
            },
          };
        return { body: { registryId: account, repositoryName: repo.name, policyText: repo.policy } };
      }
      return {
        body: {
          pullThroughCacheRules: rules
            .filter((r) => r.region === region)
            .map((r) => ({ ecrRepositoryPrefix: r.prefix, upstreamRegistryUrl: r.upstream, registryId: account })),
        },
      };
    },
  };
}
