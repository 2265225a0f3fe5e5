// The credential backend for Docker's protocol: routes a server URL to ECR or ECR Public and serves tokens
// through the token service and its cache.
import { CredentialsNotFoundError, HelperError, TokenFetchError } from '../platform/errors';
import { printable } from '../platform/log';
import { hintForUnservedHost } from '../registry/hints';
import type { CredentialBackend, Credentials } from './protocol';
import { parseServerUrl } from '../registry/host';
import { routeServerUrl } from '../registry/routing';
import { knownRegistries } from '../tokens/known-registries';
import { getToken, openStore, resolve } from '../tokens/service';
import type { RequestContext } from '../tokens/context';

export function ecrBackend(deps: RequestContext): CredentialBackend {
  const { log } = deps;
  return {
    async get(input: string): Promise<Credentials> {
      const serverUrl = input.replace(/\r?\n$/, '');
      let route;
      try {
        route = routeServerUrl(serverUrl, deps.settings);
      } catch (error) {
        if (error instanceof CredentialsNotFoundError) {
          const hint = hintForUnservedHost(serverUrl);
          if (hint) log.warn(hint);
        }
        throw error;
      }
      try {
        const token = await getToken(route, deps);
        deps.hitMemo?.answered({ kind: 'docker', serverUrl });
        return { ServerURL: serverUrl, Username: token.username, Secret: token.password };
      } catch (error) {
        if (route.registry.kind === 'ecr-public' && error instanceof TokenFetchError) {
          // Public images need no login: fall back to an anonymous pull (with its lower rate limit) and say why.
          log.warn(`${error.message}; pulling ${route.requestedHost} anonymously`);
          throw new CredentialsNotFoundError('ECR Public token unavailable');
        }
        throw error;
      }
    },

    async list(): Promise<Record<string, string>> {
      return knownRegistries(deps);
    },

    async store(credentials: unknown): Promise<void> {
      // Only a host we serve may skip the login: anything else (a broken config file kept the decision here) fails,
      // so Docker never says "Login Succeeded" over a login that went nowhere.
      const serverUrl = String((credentials as { ServerURL?: unknown }).ServerURL);
      try {
        routeServerUrl(serverUrl, deps.settings, { allowPlainHttp: true });
      } catch (error) {
        if (!(error instanceof CredentialsNotFoundError)) throw error;
        throw new HelperError(`${printable(serverUrl)} is not a registry this helper serves; nothing was stored`);
      }
      log.warn('docker login is not needed with this helper: it fetches ECR tokens itself; nothing was stored');
    },

    async erase(input: string): Promise<void> {
      let host: string;
      try {
        host = parseServerUrl(input).host;
      } catch {
        return; // Not an address: nothing of ours to forget.
      }
      const store = openStore(deps);
      if (!store) return;
      try {
        store.remove(resolve(routeServerUrl(input, deps.settings, { allowPlainHttp: true }), deps.settings).key);
      } catch {
        // Not a host we route: entries that served it (below) are all there is to forget.
      }
      for (const { id, entry } of store.entries()) if (entry.registries.includes(host)) store.removeById(id);
      store.removeMemos();
      log.info(`forgot cached tokens for ${host}`);
    },
  };
}
