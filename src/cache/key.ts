// The cache key: everything that decides which token AWS would hand out. Two requests with the same key may
// share a token; two with different keys never do.
import type { Identity } from '../identity/identity';
import type { Registry } from '../registry/host';
import { sha256Hex } from '../platform/sha256';
import { redactUrl } from '../platform/redact';

export interface CacheKey {
  /** File-name-safe digest of `parts`. */
  id: string;
  /** Readable, non-secret description, stored in the entry and shown by `doctor`. */
  description: string;
}

export function cacheKeyFor(registry: Registry, identity: Identity, endpointOverride: string | undefined): CacheKey {
  // ECR Public hands one token for both of its hosts; a private token is per region and endpoint variant.
  const variant =
    registry.kind === 'ecr'
      ? `${registry.fips ? 'fips' : ''}${registry.dualstack ? 'dualstack' : ''}` || 'standard'
      : 'standard';
  const parts = [
    registry.kind,
    registry.partition,
    registry.region,
    variant,
    identity.keyMaterial,
    endpointOverride ?? '',
  ];
  const id = sha256Hex(parts.join('\n')).slice(0, 32);
  const description = `${registry.kind} ${registry.region} ${variant} as ${identity.label}${endpointOverride ? ` via ${redactUrl(endpointOverride)}` : ''}`;
  return { id, description };
}
