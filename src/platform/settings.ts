// The one reader of environment variables (with setup-settings.ts, what only configure and doctor read).
// Everything else receives a Settings value, so tests can pass any environment without touching process.env.
import { statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { readRegularText } from './read-file';
import { hostOs } from './host-os';

export type Env = Readonly<Record<string, string | undefined>>;

/** The variables that send AWS API calls through a proxy, as curl reads them (NO_PROXY aside). */
export const PROXY_VARIABLES: readonly string[] = [
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'ALL_PROXY',
  'https_proxy',
  'http_proxy',
  'all_proxy',
];

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'off';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'off'];

export interface Settings {
  /** Where tokens are cached; undefined when the cache is off or no location can be found. */
  cacheDir: string | undefined;
  /** Why cacheDir is what it is, for `doctor` and debug logs. */
  cacheDirSource: string;
  logLevel: LogLevel;
  /** A log level that is not one of LOG_LEVELS, to warn about once. */
  badLogLevel?: string;
  logFile: string | undefined;
  /** The helper's own config file (per-registry identities, custom host names). */
  helperConfigFile: string | undefined;
  /** DOCKER_CREDENTIAL_ECR_CONFIG named it: then it must exist. */
  helperConfigNamed: boolean;
  awsConfigFile: string | undefined;
  awsCredentialsFile: string | undefined;
  /** AWS_PROFILE (or AWS_DEFAULT_PROFILE); undefined means the SDK's default resolution. */
  awsProfile: string | undefined;
  envAccessKeyId: string | undefined;
  /** Only ever hashed into the cache key, so a right key id with a wrong secret is not a hit. A secret. */
  envSecretAccessKey: string | undefined;
  /** AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: the shared config's endpoint_url settings do not apply. */
  ignoreConfiguredEndpoints: boolean;
  webIdentity: { roleArn: string; tokenFile: string } | undefined;
  containerCredentials: string | undefined;
  /** AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (EKS Pod Identity): its claims are part of the container identity's cache key. */
  containerTokenFile: string | undefined;
  /** AWS_CONTAINER_AUTHORIZATION_TOKEN, when no token file is named: a secret, only ever hashed into the key. */
  containerToken: string | undefined;
  /** AWS_EC2_METADATA_DISABLED: the chain then ends without the instance role. */
  imdsDisabled: boolean;
  /** Endpoint overrides the SDK will apply; they also select the cache key (a fake's token must not serve AWS). */
  endpointOverrides: { ecr?: string; ecrPublic?: string; sts?: string; all?: string };
  caBundle: string | undefined;
  /** Bound on one request, lock wait and retries included, so a pull never hangs. */
  timeoutMs: number;
  /** Per attempt at the instance metadata service (AWS_METADATA_SERVICE_TIMEOUT, in seconds, as in the AWS CLI). */
  metadataTimeoutMs: number;
  home: string | undefined;
  /**
   * The whole environment and the working directory, for what a profile's credential_process command line expands
   * (identity/credential-process.ts): the SDK runs it through a shell in both.
   */
  environment: Env;
  workingDirectory: () => string;
  /** Settings that were ignored, said once per run as a warning (a relative XDG path, say). */
  ignored: string[];
}

/** Who is running, for the rule that root never creates directories in another user's home (sudo -E). */
export interface Account {
  uid: number | undefined;
  /** The home in the password database, which HOME may not be. */
  passwdHome: () => string | undefined;
  /** The owner of a path; undefined when it does not exist. */
  ownerOf: (path: string) => number | undefined;
}

const processAccount: Account = {
  uid: process.getuid?.(),
  passwdHome: () => {
    // From /etc/passwd itself: Bun's os.userInfo().homedir answers $HOME, which is exactly what cannot be trusted
    // here. Only root takes this path, and root is always in /etc/passwd.
    try {
      const uid = String(process.getuid?.());
      const line = readRegularText('/etc/passwd', { maxBytes: 4 * 1024 * 1024, followSymlinks: true })
        .split('\n')
        .find((entry) => entry.split(':')[2] === uid);
      return line?.split(':')[5] || undefined;
    } catch {
      return undefined;
    }
  },
  ownerOf: (path) => {
    try {
      return statSync(path).uid;
    } catch {
      return undefined;
    }
  },
};

export const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value === '' ? undefined : value;

/**
 * A duration from the environment, clamped: a value past what a timer can hold (2^31 ms) fires at once, so
 * "2147483648" would mean "no time at all". Not a number, or not positive: the default.
 */
function durationFromEnv(
  text: string | undefined,
  limits: { unitMs: number; minMs: number; maxMs: number; defaultMs: number },
): number {
  const value = Number(nonEmpty(text) ?? '') * limits.unitMs;
  if (!Number.isFinite(value) || value <= 0) return limits.defaultMs;
  return Math.round(Math.min(limits.maxMs, Math.max(limits.minMs, value)));
}

export type XdgVariable = 'XDG_CACHE_HOME' | 'XDG_CONFIG_HOME' | 'XDG_RUNTIME_DIR';

/** A file we would write: a relative path would be in whatever directory a pull was started from. */
function absoluteOrIgnored(name: string, env: Env, ignored: string[]): string | undefined {
  const value = nonEmpty(env[name]);
  if (value === undefined || isAbsolute(value)) return value;
  ignored.push(`${name}=${value} is not an absolute path; ignoring it (nothing is written to the working directory)`);
  return undefined;
}

/**
 * An XDG base directory variable. The spec: a relative path is invalid and must be ignored. Honouring one would
 * put tokens or auth files in whatever directory a pull was started from (a git checkout, say).
 */
export function xdgDirectory(env: Env, name: XdgVariable, ignored?: string[]): string | undefined {
  const value = nonEmpty(env[name]);
  if (value === undefined || isAbsolute(value)) return value;
  ignored?.push(`${name}=${value} is not an absolute path; ignoring it, as the XDG spec says`);
  return undefined;
}

/** The owner of the deepest part of `path` that exists (the path itself when it does). */
function ownerOfNearest(path: string, account: Account): number | undefined {
  for (let dir = path, depth = 0; depth < 64; depth++) {
    const owner = account.ownerOf(dir);
    if (owner !== undefined) return owner;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

/** The longest a request may take, whatever DOCKER_CREDENTIAL_ECR_TIMEOUT_MS says: past this, a pull has long given up. */
const MAX_TIMEOUT_MS = 10 * 60_000;

export function readSettings(
  env: Env,
  fallbackHome: () => string | undefined,
  account: Account = processAccount,
): Settings {
  const home = nonEmpty(env.HOME) ?? fallbackHome();
  const ignored: string[] = [];
  const xdg = (name: XdgVariable): string | undefined => xdgDirectory(env, name, ignored);
  const cacheHome = xdg('XDG_CACHE_HOME');
  let cacheDir: string | undefined;
  let cacheDirSource: string;
  const explicitCacheDir = nonEmpty(env.AWS_ECR_CACHE_DIR);
  const osCacheDir = hostOs.defaultCacheDir(env); // Windows: %LOCALAPPDATA% (platform/windows.ts)
  if (explicitCacheDir !== undefined && !isAbsolute(explicitCacheDir)) {
    ignored.push(
      `AWS_ECR_CACHE_DIR=${explicitCacheDir} is not an absolute path; ignoring it (tokens never go to the working directory)`,
    );
  }
  if (nonEmpty(env.AWS_ECR_DISABLE_CACHE)) {
    cacheDirSource = 'AWS_ECR_DISABLE_CACHE is set';
  } else if (explicitCacheDir !== undefined && isAbsolute(explicitCacheDir)) {
    cacheDir = explicitCacheDir;
    cacheDirSource = 'AWS_ECR_CACHE_DIR';
  } else if (osCacheDir) {
    ({ dir: cacheDir, source: cacheDirSource } = osCacheDir);
  } else if (cacheHome ?? home) {
    cacheDir = cacheHome ? join(cacheHome, 'docker-credential-ecr') : join(home!, '.cache', 'docker-credential-ecr');
    cacheDirSource = cacheHome ? 'XDG_CACHE_HOME' : '~/.cache';
  } else {
    cacheDirSource = 'no HOME, XDG_CACHE_HOME or AWS_ECR_CACHE_DIR';
  }
  // Root with someone else's HOME (sudo -E, or sudo keeping HOME): a directory root created in that user's tree
  // would belong to root, and the user's own pulls and tools would then fail on it. Judged by the nearest part of
  // the path that exists, so a cache directory not yet created is caught too. Root's cache stays in root's home.
  const owner = cacheDir !== undefined && account.uid === 0 ? ownerOfNearest(cacheDir, account) : undefined;
  if (owner !== undefined && owner !== 0) {
    const rootHome = account.passwdHome();
    const rootCache = rootHome ? join(rootHome, '.cache', 'docker-credential-ecr') : undefined;
    const rootOwner = rootCache ? ownerOfNearest(rootCache, account) : undefined;
    cacheDirSource = `root's own home${rootHome ? ` ${rootHome}` : ''}, since ${cacheDir} is in a directory of uid ${owner} (${cacheDirSource})`;
    cacheDir = rootCache && rootOwner === 0 ? rootCache : undefined;
    if (!cacheDir) cacheDirSource = `no cache: ${cacheDirSource}, and root's own home is not root's`;
  }

  const rawLevel = (nonEmpty(env.DOCKER_CREDENTIAL_ECR_LOG) ?? 'warn').toLowerCase();
  const knownLevel = (LOG_LEVELS as readonly string[]).includes(rawLevel);
  const configHome = xdg('XDG_CONFIG_HOME');
  const namedConfig = nonEmpty(env.DOCKER_CREDENTIAL_ECR_CONFIG);
  const helperConfigFile =
    namedConfig ??
    (configHome
      ? join(configHome, 'docker-credential-ecr', 'config.json')
      : home
        ? join(home, '.config', 'docker-credential-ecr', 'config.json')
        : undefined);

  return {
    cacheDir,
    cacheDirSource,
    logLevel: knownLevel ? (rawLevel as LogLevel) : 'warn',
    ...(knownLevel ? {} : { badLogLevel: rawLevel }),
    logFile: absoluteOrIgnored('DOCKER_CREDENTIAL_ECR_LOG_FILE', env, ignored),
    helperConfigFile,
    helperConfigNamed: namedConfig !== undefined,
    awsConfigFile: nonEmpty(env.AWS_CONFIG_FILE) ?? (home ? join(home, '.aws', 'config') : undefined),
    awsCredentialsFile:
      nonEmpty(env.AWS_SHARED_CREDENTIALS_FILE) ?? (home ? join(home, '.aws', 'credentials') : undefined),
    awsProfile: nonEmpty(env.AWS_PROFILE) ?? nonEmpty(env.AWS_DEFAULT_PROFILE),
    // The SDK takes environment keys only as a pair; a lone key id is not a credential source.
    envAccessKeyId: nonEmpty(env.AWS_SECRET_ACCESS_KEY) ? nonEmpty(env.AWS_ACCESS_KEY_ID) : undefined,
    envSecretAccessKey: nonEmpty(env.AWS_SECRET_ACCESS_KEY),
    ignoreConfiguredEndpoints:
      nonEmpty(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS) !== undefined &&
      env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS !== 'false',
    webIdentity:
      nonEmpty(env.AWS_ROLE_ARN) && nonEmpty(env.AWS_WEB_IDENTITY_TOKEN_FILE)
        ? { roleArn: env.AWS_ROLE_ARN!, tokenFile: env.AWS_WEB_IDENTITY_TOKEN_FILE! }
        : undefined,
    // The SDK's fromHttp takes the relative URI (ECS) over the full one when both are set.
    containerCredentials:
      nonEmpty(env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) ?? nonEmpty(env.AWS_CONTAINER_CREDENTIALS_FULL_URI),
    containerTokenFile: nonEmpty(env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE),
    containerToken: nonEmpty(env.AWS_CONTAINER_AUTHORIZATION_TOKEN),
    imdsDisabled: nonEmpty(env.AWS_EC2_METADATA_DISABLED) !== undefined && env.AWS_EC2_METADATA_DISABLED !== 'false',
    endpointOverrides: nonEmpty(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS)
      ? {}
      : {
          ...(nonEmpty(env.AWS_ENDPOINT_URL_ECR) ? { ecr: env.AWS_ENDPOINT_URL_ECR } : {}),
          ...(nonEmpty(env.AWS_ENDPOINT_URL_ECR_PUBLIC) ? { ecrPublic: env.AWS_ENDPOINT_URL_ECR_PUBLIC } : {}),
          ...(nonEmpty(env.AWS_ENDPOINT_URL_STS) ? { sts: env.AWS_ENDPOINT_URL_STS } : {}),
          ...(nonEmpty(env.AWS_ENDPOINT_URL) ? { all: env.AWS_ENDPOINT_URL } : {}),
        },
    caBundle: nonEmpty(env.AWS_CA_BUNDLE),
    timeoutMs: durationFromEnv(env.DOCKER_CREDENTIAL_ECR_TIMEOUT_MS, {
      unitMs: 1,
      minMs: 100,
      maxMs: MAX_TIMEOUT_MS,
      defaultMs: 20_000,
    }),
    // 2 x 800 ms where no metadata service answers (a laptop, a CI runner), instead of the SDK's 2 x 1000 ms.
    metadataTimeoutMs: durationFromEnv(env.AWS_METADATA_SERVICE_TIMEOUT, {
      unitMs: 1000,
      minMs: 100,
      maxMs: 60_000,
      defaultMs: 800,
    }),
    home,
    environment: env,
    workingDirectory: () => {
      try {
        return process.cwd();
      } catch {
        return ''; // removed from under us: a relative credential_process would fail in the SDK too
      }
    },
    ignored,
  };
}
