// The registries `list` names: every one this helper can serve without being told, asked of nothing but local
// files (no AWS call). Docker's classic builder (DOCKER_BUILDKIT=0) sends credentials only for what `list` names
// under "credsStore": "ecr", then runs `get` for each: a cache hit, or one token request per registry per 12 hours.
import { HelperError } from '../platform/errors';
import { loadRegistryConfig } from '../registry/config-file';
import { isPattern } from '../registry/host-pattern';
import { registryForHost } from '../registry/host';
import { openStore } from './service';
import type { RequestContext } from './context';

/** A registry served before is named this long after its token expired (no pull renewed it), then forgotten. */
export const FORGET_AFTER_MS = 30 * 24 * 60 * 60_000;

/** `https://<host>` -> user name: the helper config's literal hosts, and every host a cached token served. */
export function knownRegistries(deps: RequestContext): Record<string, string> {
  const known: Record<string, string> = {};
  let config;
  try {
    config = loadRegistryConfig(deps.settings);
  } catch (error) {
    if (!(error instanceof HelperError)) throw error;
    config = undefined; // `get` and `doctor` report a broken config; `list` names what it can.
  }
  for (const rule of config?.rules ?? []) {
    if (!isPattern(rule.pattern) && (rule.target || registryForHost(rule.pattern)))
      known[`https://${rule.pattern}`] = 'AWS';
  }
  const now = deps.now();
  for (const { entry } of openStore(deps)?.entries() ?? []) {
    // An expired token still says the registry is ours; a month without a pull that renewed it says it is not used.
    if (now - entry.expiresAt > FORGET_AFTER_MS) continue;
    for (const host of entry.registries) known[`https://${host}`] = entry.username;
  }
  return known;
}
