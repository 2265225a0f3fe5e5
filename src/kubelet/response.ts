// The CredentialProviderResponse written to stdout, refused with an error when it must not be sent (its text and
// rules: response-text.ts), and the auth key it answers for. Pure: no I/O, no AWS.
import { HelperError } from '../platform/errors';
import { kubeletResponseProblem, kubeletResponseText, type KubeletResponseInput } from './response-text';

export { CACHE_KEY_TYPE, cacheDurationFor, RESPONSE_KIND, type KubeletResponseInput } from './response-text';

/** A response we refuse to send; `message` never carries the password. */
export class KubeletResponseError extends HelperError {
  override name = 'KubeletResponseError';
}

export function encodeKubeletResponse(input: KubeletResponseInput): string {
  const problem = kubeletResponseProblem(input);
  if (problem !== undefined) throw new KubeletResponseError(problem);
  return kubeletResponseText(input);
}

/**
 * The auth key for cacheKeyType Registry: `host` or `host:port`, no scheme, no path. The kubelet requires equal
 * ports (a key without one does not match an image with one) and the same number of host labels, so the key is
 * the image's own host and port, spelled as the image spells them.
 */
export function authKeyFor(host: string, port?: number): string {
  if (host === '' || /[\s/:@]/.test(host)) throw new KubeletResponseError(`${JSON.stringify(host)} is not a host name`);
  if (port === undefined) return host;
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new KubeletResponseError(`port ${port} is out of range`);
  return `${host}:${port}`;
}
