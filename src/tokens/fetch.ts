// One call to AWS for a token, bounded by the request's budget: only a miss comes here, so the SDK, the
// deadline and the MFA prompt are loaded on the way in, never by a cache hit.
import { loadSdk, sdkLoadMs, type Sdk } from '../aws/sdk-loader';
import { clientDepsFor } from '../aws/client-deps';
import type { FetchedToken } from '../aws/token';
import type { Logger } from '../platform/log';
import type { TokenRequest } from '../registry/routing';
import type { RequestContext } from './context';

/** The SDK half (sdk-loader.ts), loaded on first use; the debug log says what loading it cost. */
async function loadSdkLogged(log: Logger): Promise<Sdk> {
  const first = sdkLoadMs() === undefined;
  const sdk = await loadSdk();
  if (first) log.debug(`AWS SDK loaded in ${sdkLoadMs()!.toFixed(1)} ms`);
  return sdk;
}

/**
 * Loads only the client this registry needs, and bounds the whole call, retries and credential resolution
 * included (a credential provider takes no abort signal, so the deadline races it). Time spent waiting for a
 * person to type an MFA code does not count; `onPromptStart` tells the lock holder's waiters about it.
 */
export async function fetchToken(
  request: TokenRequest,
  endpoint: string | undefined,
  deps: RequestContext,
  budgetMs: number,
  onPromptStart: () => void,
): Promise<FetchedToken> {
  const { registry, identity } = request;
  const controller = new AbortController();
  const [{ startDeadline }, { terminalMfaCodeProvider }] = await Promise.all([
    import('../platform/deadline'),
    import('../aws/mfa-prompt'),
  ]);
  const deadline = startDeadline(budgetMs, deps.now, () => controller.abort());
  const mfaCodeProvider = terminalMfaCodeProvider({
    profile: identity.profile ?? deps.settings.awsProfile,
    host: request.requestedHost,
    onPrompt: (prompting) => {
      if (prompting) {
        deadline.pause();
        onPromptStart();
      } else deadline.resume();
    },
  });
  const sourceDeps = {
    ...clientDepsFor(identity, endpoint, deps),
    now: deps.now,
    abortSignal: controller.signal,
    mfaCodeProvider,
  };
  try {
    const sdk = await loadSdkLogged(deps.log);
    const source =
      registry.kind === 'ecr'
        ? sdk.ecrTokenSource(registry, sourceDeps)
        : sdk.ecrPublicTokenSource(registry, sourceDeps);
    return await Promise.race([source(), deadline.promise]);
  } finally {
    deadline.clear();
  }
}
