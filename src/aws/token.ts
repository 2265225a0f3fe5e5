// What a token source yields, and the checks every API response must pass before it is trusted.
import { TokenFetchError } from '../platform/errors';
import { hasControls } from '../platform/terminal-text';

export interface FetchedToken {
  username: string;
  password: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** A token source: one API call's worth of work, as in the SDK's credential providers. */
export type TokenSource = () => Promise<FetchedToken>;

/** Real passwords are a few kilobytes; a response far bigger than that is not a token. */
const MAX_TOKEN_LENGTH = 64 * 1024;

/**
 * Decodes `base64("AWS:<password>")` and checks it; throws a TokenFetchError with category bad-response.
 * `awsClockOffsetMs` is how far AWS's clock is ahead of ours (the SDK learns it from each response's Date header):
 * the token's life is measured on AWS's clock, and the expiry returned is on ours, so that a machine whose clock
 * is hours off still keeps a token for its real lifetime and never calls a fresh one expired.
 */
export function decodeAuthorizationToken(
  encoded: unknown,
  expiresAt: unknown,
  now: number,
  where: string,
  awsClockOffsetMs = 0,
): FetchedToken {
  const bad = (why: string): TokenFetchError =>
    new TokenFetchError(
      `${where}: the response is not a usable token (${why})`,
      `if ${where.startsWith('ECR Public') ? 'AWS_ENDPOINT_URL_ECR_PUBLIC' : 'AWS_ENDPOINT_URL_ECR'} or a proxy is set, check what answers there`,
      'bad-response',
    );
  if (typeof encoded !== 'string' || encoded.length === 0) throw bad('no authorizationToken');
  if (encoded.length > MAX_TOKEN_LENGTH) throw bad('authorizationToken is oversized');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw bad('authorizationToken is not base64');
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon === decoded.length - 1) throw bad('authorizationToken is not user:password');
  // A real token is printable ASCII; one with control characters would reach terminals and config files as it is.
  if (hasControls(decoded) || decoded.includes('\ufffd'))
    throw bad('authorizationToken holds control characters or bytes that are not text');
  const expiry =
    expiresAt instanceof Date ? expiresAt.getTime() : typeof expiresAt === 'number' ? expiresAt * 1000 : NaN;
  if (!Number.isFinite(expiry)) throw bad('no expiresAt');
  if (expiry <= now + awsClockOffsetMs)
    throw bad("the token AWS returned had already expired by AWS's own clock; it was not cached");
  return {
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1),
    expiresAt: expiry - awsClockOffsetMs,
  };
}
