// The credentials behind a profile's credential_source (Environment, EcsContainer), which are also sources of
// their own in the chain: environment keys, and container credentials (EKS Pod Identity, ECS task roles). Key
// material only: names, claims and hashes, never a secret itself.
import { readTokenFile, tokenKeyMaterial, tokenSubject } from './web-token';
import type { Settings } from '../platform/settings';
import { sha256Hex } from '../platform/sha256';
import { redactUrl } from '../platform/redact';

/** A hash short enough for a key, of material that may hold a secret. */
export const digest = (text: string): string => sha256Hex(text).slice(0, 16);

export interface ContainerIdentity {
  label: string;
  keyMaterial: string;
  /** The container authorization token the key was derived from; the fetch sends exactly this. A secret. */
  containerToken: string;
  unusable?: string;
}

/** Environment keys: the key id, and a hash of the secret, so a right id with a wrong secret is not a hit. */
export function environmentKeyMaterial(settings: Settings): string | undefined {
  return settings.envAccessKeyId
    ? `env:${settings.envAccessKeyId}:${digest(settings.envSecretAccessKey ?? '')}`
    : undefined;
}

/**
 * EKS Pod Identity and ECS task roles. The endpoint alone does not say who is asking (every pod on a node talks to
 * the same Pod Identity agent with the same token path), so the key takes the authorization token's claims
 * (namespace and service account, from the projected JWT), or a hash of a token that is not a JWT. The token read
 * here is the one the fetch sends (Identity.containerToken), never one read again later.
 */
export function containerIdentity(settings: Settings): ContainerIdentity | undefined {
  const endpoint = settings.containerCredentials;
  if (!endpoint) return undefined;
  let token: string | undefined;
  let unusable: string | undefined;
  if (settings.containerTokenFile) {
    const file = readTokenFile(settings.containerTokenFile);
    token = file.token;
    if (file.error)
      unusable = `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ${settings.containerTokenFile} cannot be read (${file.error})`;
  } else {
    token = settings.containerToken;
  }
  const subject = token ? tokenSubject(token) : undefined;
  return {
    label: `container credentials from ${redactUrl(endpoint)}${subject ? ` for ${subject}` : ''}`,
    keyMaterial: `container:${endpoint}:${token ? tokenKeyMaterial(token) : unusable ? 'unreadable' : 'no-token'}`,
    containerToken: token ?? '',
    ...(unusable ? { unusable } : {}),
  };
}
