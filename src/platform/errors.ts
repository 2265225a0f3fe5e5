// Typed errors. The exact strings of the Docker credential-helper protocol live here and nowhere else:
// the docker CLI and containers/image compare stdout with them byte for byte.

/** The docker CLI treats exactly this stdout (trimmed) as "no credentials, pull anonymously". */
export const NOT_FOUND_MESSAGE = 'credentials not found in native keychain';
/** What docker-credential-helpers answers for an empty server URL. */
export const MISSING_SERVER_URL_MESSAGE = 'no credentials server URL';

/** Base class: `message` is safe to show a person; it never carries a secret. */
export class HelperError extends Error {
  override name = 'HelperError';
}

/** The host is not one this helper serves (or the input is not a host at all). Maps to NOT_FOUND_MESSAGE. */
export class CredentialsNotFoundError extends HelperError {
  override name = 'CredentialsNotFoundError';
  constructor(readonly reason: string) {
    super(NOT_FOUND_MESSAGE);
  }
}

export class MissingServerUrlError extends HelperError {
  override name = 'MissingServerUrlError';
  constructor() {
    super(MISSING_SERVER_URL_MESSAGE);
  }
}

export class UsageError extends HelperError {
  override name = 'UsageError';
}

/**
 * A token could not be had for a registry we do serve. `message` is one line that names the host, the API,
 * the region and the cause; `hint` is the next thing to do.
 */
export class TokenFetchError extends HelperError {
  override name = 'TokenFetchError';
  constructor(
    /** What happened, without the advice: `doctor` shows the two apart. */
    readonly summary: string,
    readonly hint: string,
    readonly category: ErrorCategory,
  ) {
    super(hint ? `${summary}; ${hint}` : summary);
  }
}

export type ErrorCategory =
  | 'no-credentials'
  | 'sso-expired'
  | 'expired-credentials'
  | 'invalid-credentials'
  | 'access-denied'
  | 'throttled'
  | 'clock-skew'
  | 'unreachable'
  | 'timeout'
  | 'server-error'
  | 'bad-response'
  | 'not-aws'
  | 'mfa-required'
  | 'profile-not-found'
  | 'config'
  | 'unknown';

/** The helper's own configuration file is wrong: names the file, the key and the line. */
export class ConfigError extends HelperError {
  override name = 'ConfigError';
}

/** A file the identity is read from (shared config, a token file) cannot be read: names the file. */
export class UnreadableIdentityError extends HelperError {
  override name = 'UnreadableIdentityError';
}
