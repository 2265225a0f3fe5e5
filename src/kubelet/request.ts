// The kubelet's CredentialProviderRequest, read from stdin. Pure: no I/O, no AWS.
//
// A failure here means the kubelet logs our stderr and pulls without our credentials, so every message is one
// line a person can act on. The service-account token is a bearer credential for the pod: no message, and no
// value echoed back, ever contains it.
import { HelperError } from '../platform/errors';
import { KUBELET_API_VERSIONS, type KubeletApiVersion } from './names';

export { KUBELET_API_VERSIONS, type KubeletApiVersion };

export const REQUEST_KIND = 'CredentialProviderRequest';

/** A real request is a few hundred bytes (a projected token adds ~1-2 KiB); anything far larger is not the kubelet. */
export const MAX_REQUEST_BYTES = 64 * 1024;

/** The request is unusable; `message` is one line for a person and never carries the service-account token. */
export class KubeletRequestError extends HelperError {
  override name = 'KubeletRequestError';
}

export interface KubeletRequest {
  apiVersion: KubeletApiVersion;
  /** host[:port]/path as the kubelet will pull it, with any tag or digest removed. */
  image: string;
  /** The image's host name; always lower case (upper case is refused, see parseImage). */
  host: string;
  port?: number;
  /** The repository after `host[:port]/`, without a leading slash; '' when the image is only a host. */
  path: string;
  /** v1 only: the pod's projected service-account JWT, when the provider config asks for one. */
  serviceAccountToken?: string;
  /** v1 only: the annotations the provider config lists that exist on the service account; {} otherwise. */
  serviceAccountAnnotations: Record<string, string>;
}

export function parseKubeletRequest(text: string): KubeletRequest {
  // String length in UTF-16 units never exceeds the UTF-8 byte count, so the cheap test can go first.
  if (text.length > MAX_REQUEST_BYTES || Buffer.byteLength(text, 'utf8') > MAX_REQUEST_BYTES) {
    throw new KubeletRequestError('request is larger than 64 KiB');
  }
  if (text.trim() === '') throw new KubeletRequestError('request is empty');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the input, which may hold the token.
    throw new KubeletRequestError('request is not JSON');
  }
  if (!isPlainObject(parsed)) throw new KubeletRequestError('request is not a JSON object');

  const apiVersion = parsed['apiVersion'];
  if (apiVersion === undefined) throw new KubeletRequestError('request has no apiVersion');
  if (!isApiVersion(apiVersion)) {
    throw new KubeletRequestError(
      `apiVersion ${describe(apiVersion)} is not one of ${KUBELET_API_VERSIONS.join(', ')}`,
    );
  }
  const kind = parsed['kind'];
  if (kind === undefined) throw new KubeletRequestError('request has no kind');
  if (kind !== REQUEST_KIND) throw new KubeletRequestError(`kind must be ${REQUEST_KIND}, got ${describe(kind)}`);

  const rawImage = parsed['image'];
  if (rawImage === undefined || rawImage === '') throw new KubeletRequestError('request has no image');
  if (typeof rawImage !== 'string') throw new KubeletRequestError(`image must be a string, got ${describe(rawImage)}`);
  const image = parseImage(rawImage);

  // The service-account fields exist only in v1's types; the kubelet never sends them in older versions, so
  // there they are ignored (not refused), as Go's decoder would ignore any unknown field.
  const serviceAccount =
    apiVersion === 'credentialprovider.kubelet.k8s.io/v1'
      ? readServiceAccountFields(parsed)
      : { serviceAccountAnnotations: {} };
  return { apiVersion, ...image, ...serviceAccount };
}

function readServiceAccountFields(
  request: Record<string, unknown>,
): Pick<KubeletRequest, 'serviceAccountToken' | 'serviceAccountAnnotations'> {
  const token = request['serviceAccountToken'];
  // Go's omitempty means the kubelet sends no field rather than "": treat both as "no token".
  if (token !== undefined && token !== null && typeof token !== 'string') {
    throw new KubeletRequestError('serviceAccountToken must be a string');
  }
  const annotations = request['serviceAccountAnnotations'];
  const serviceAccountAnnotations: Record<string, string> = {};
  if (annotations !== undefined && annotations !== null) {
    if (!isPlainObject(annotations))
      throw new KubeletRequestError('serviceAccountAnnotations must be an object of strings');
    for (const [key, value] of Object.entries(annotations)) {
      if (typeof value !== 'string')
        throw new KubeletRequestError(`serviceAccountAnnotations[${describe(key)}] must be a string`);
      // defineProperty, not assignment: a "__proto__" key must stay data, not replace the prototype.
      Object.defineProperty(serviceAccountAnnotations, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return typeof token === 'string' && token !== ''
    ? { serviceAccountToken: token, serviceAccountAnnotations }
    : { serviceAccountAnnotations };
}

// A digest as the distribution spec writes it: algorithm[+-._algorithm]:encoded.
const DIGEST = /@[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const PATH = /^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * Splits `host[:port]/path`. The kubelet sends neither tag nor digest, but a person testing by hand will, and
 * stripping them is harmless. Upper case in the host is refused rather than folded: the kubelet compares auth
 * keys with the image case-sensitively, so a lower-cased key would silently not apply. A port with leading zeros
 * is refused for the same reason (the kubelet compares ports as strings).
 */
function parseImage(raw: string): Pick<KubeletRequest, 'image' | 'host' | 'port' | 'path'> {
  const shown = describe(raw);
  if (!/^[\x21-\x7e]+$/.test(raw))
    throw new KubeletRequestError(`image ${shown} has characters an image name cannot have`);
  if (raw.includes('://'))
    throw new KubeletRequestError(`image ${shown} has a scheme; the kubelet sends host[:port]/path`);

  let rest = raw.replace(DIGEST, '');
  if (rest.includes('@')) throw new KubeletRequestError(`image ${shown} has a malformed digest or user info`);
  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  let path = slash === -1 ? '' : rest.slice(slash + 1);
  if (slash !== -1) {
    const lastSlash = path.lastIndexOf('/');
    const colon = path.indexOf(':', lastSlash + 1);
    if (colon !== -1) {
      if (!TAG.test(path.slice(colon + 1))) throw new KubeletRequestError(`image ${shown} has a malformed tag`);
      path = path.slice(0, colon);
    }
    if (!PATH.test(path) || path.split('/').some((segment) => segment === '.' || segment === '..')) {
      throw new KubeletRequestError(`image ${shown} has a malformed path`);
    }
  }

  const hostPort = /^([^:]*)(?::([^:]*))?$/.exec(authority);
  const host = hostPort?.[1] ?? '';
  if (host.length === 0 || host.length > 253 || !host.split('.').every((label) => LABEL.test(label))) {
    throw new KubeletRequestError(`image ${shown} has no valid host`);
  }
  if (host !== host.toLowerCase()) {
    throw new KubeletRequestError(
      `image ${shown} has upper case in its host; the kubelet matches auth keys case-sensitively`,
    );
  }
  const portText = hostPort?.[2];
  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText);
    if (!/^[1-9]\d{0,4}$/.test(portText) || port > 65535) {
      throw new KubeletRequestError(
        `image ${shown} has port ${describe(portText)}; expected 1-65535 without leading zeros`,
      );
    }
  }
  rest = path === '' ? authority : `${authority}/${path}`;
  return { image: rest, host, ...(port === undefined ? {} : { port }), path };
}

function isApiVersion(value: unknown): value is KubeletApiVersion {
  return typeof value === 'string' && (KUBELET_API_VERSIONS as readonly string[]).includes(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as JSON, cut short: JSON escapes newlines, so the message stays one line. */
function describe(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
