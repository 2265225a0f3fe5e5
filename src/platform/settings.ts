// The one reader of environment variables. Everything else receives a Settings value, so tests can pass any
// environment without touching process.env.
import { join } from 'node:path';

export type Env = Readonly<Record<string, string | undefined>>;

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
  awsConfigFile: string | undefined;
  awsCredentialsFile: string | undefined;
  /** AWS_PROFILE (or AWS_DEFAULT_PROFILE); undefined means the SDK's default resolution. */
  awsProfile: string | undefined;
  envAccessKeyId: string | undefined;
  webIdentity: { roleArn: string; tokenFile: string } | undefined;
  containerCredentials: string | undefined;
  /** AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (EKS Pod Identity): part of the container identity's cache key. */
  containerTokenFile: string | undefined;
  /** Endpoint overrides the SDK will apply; they also select the cache key (a fake's token must not serve AWS). */
  endpointOverrides: { ecr?: string; ecrPublic?: string; sts?: string; all?: string };
  caBundle: string | undefined;
  /** Bound on one token fetch, retries included, so a pull never hangs. */
  timeoutMs: number;
  home: string | undefined;
}

const nonEmpty = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value);

export function readSettings(env: Env, fallbackHome: () => string | undefined): Settings {
  const home = nonEmpty(env.HOME) ?? fallbackHome();
  let cacheDir: string | undefined;
  let cacheDirSource: string;
  if (nonEmpty(env.AWS_ECR_DISABLE_CACHE)) {
    cacheDirSource = 'AWS_ECR_DISABLE_CACHE is set';
  } else if (nonEmpty(env.AWS_ECR_CACHE_DIR)) {
    cacheDir = env.AWS_ECR_CACHE_DIR;
    cacheDirSource = 'AWS_ECR_CACHE_DIR';
  } else if (nonEmpty(env.XDG_CACHE_HOME)) {
    cacheDir = join(env.XDG_CACHE_HOME!, 'docker-credential-ecr');
    cacheDirSource = 'XDG_CACHE_HOME';
  } else if (home) {
    cacheDir = join(home, '.cache', 'docker-credential-ecr');
    cacheDirSource = '~/.cache';
  } else {
    cacheDirSource = 'no HOME, XDG_CACHE_HOME or AWS_ECR_CACHE_DIR';
  }

  const rawLevel = (nonEmpty(env.DOCKER_CREDENTIAL_ECR_LOG) ?? 'warn').toLowerCase();
  const knownLevel = (LOG_LEVELS as readonly string[]).includes(rawLevel);
  const helperConfigFile =
    nonEmpty(env.DOCKER_CREDENTIAL_ECR_CONFIG) ??
    (nonEmpty(env.XDG_CONFIG_HOME)
      ? join(env.XDG_CONFIG_HOME!, 'docker-credential-ecr', 'config.json')
      : home
        ? join(home, '.config', 'docker-credential-ecr', 'config.json')
        : undefined);
  const timeout = Number(nonEmpty(env.DOCKER_CREDENTIAL_ECR_TIMEOUT_MS) ?? '');

  return {
    cacheDir,
    cacheDirSource,
    logLevel: knownLevel ? (rawLevel as LogLevel) : 'warn',
    ...(knownLevel ? {} : { badLogLevel: rawLevel }),
    logFile: nonEmpty(env.DOCKER_CREDENTIAL_ECR_LOG_FILE),
    helperConfigFile,
    awsConfigFile: nonEmpty(env.AWS_CONFIG_FILE) ?? (home ? join(home, '.aws', 'config') : undefined),
    awsCredentialsFile: nonEmpty(env.AWS_SHARED_CREDENTIALS_FILE) ?? (home ? join(home, '.aws', 'credentials') : undefined),
    awsProfile: nonEmpty(env.AWS_PROFILE) ?? nonEmpty(env.AWS_DEFAULT_PROFILE),
    envAccessKeyId: nonEmpty(env.AWS_ACCESS_KEY_ID),
    webIdentity:
      nonEmpty(env.AWS_ROLE_ARN) && nonEmpty(env.AWS_WEB_IDENTITY_TOKEN_FILE)
        ? { roleArn: env.AWS_ROLE_ARN!, tokenFile: env.AWS_WEB_IDENTITY_TOKEN_FILE! }
        : undefined,
    containerCredentials: nonEmpty(env.AWS_CONTAINER_CREDENTIALS_FULL_URI) ?? nonEmpty(env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI),
    containerTokenFile: nonEmpty(env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE),
    endpointOverrides: nonEmpty(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS)
      ? {}
      : {
          ...(nonEmpty(env.AWS_ENDPOINT_URL_ECR) ? { ecr: env.AWS_ENDPOINT_URL_ECR } : {}),
          ...(nonEmpty(env.AWS_ENDPOINT_URL_ECR_PUBLIC) ? { ecrPublic: env.AWS_ENDPOINT_URL_ECR_PUBLIC } : {}),
          ...(nonEmpty(env.AWS_ENDPOINT_URL_STS) ? { sts: env.AWS_ENDPOINT_URL_STS } : {}),
          ...(nonEmpty(env.AWS_ENDPOINT_URL) ? { all: env.AWS_ENDPOINT_URL } : {}),
        },
    caBundle: nonEmpty(env.AWS_CA_BUNDLE),
    timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : 20_000,
    home,
  };
}

/** What `configure` and `doctor` read from the environment on top of Settings. Kept apart so `get` never pays for it. */
export interface SetupSettings {
  /** $DOCKER_CONFIG/config.json, else ~/.docker/config.json. */
  dockerConfigFile: string | undefined;
  dockerConfigSource: string;
  /** The auth file podman, skopeo and buildah read first. */
  containersAuthFile: string | undefined;
  containersAuthSource: string;
  /** The PATH the docker CLI will search for docker-credential-ecr. */
  path: string;
  /** AWS_REGION, else AWS_DEFAULT_REGION (the AWS CLI's name); undefined leaves it to the profile. */
  region: string | undefined;
  regionSource: string | undefined;
}

export function readSetupSettings(env: Env, settings: Pick<Settings, 'home'>): SetupSettings {
  const home = settings.home;
  const dockerDir = nonEmpty(env.DOCKER_CONFIG) ?? (home ? join(home, '.docker') : undefined);
  let containersAuthFile: string | undefined;
  let containersAuthSource: string;
  if (nonEmpty(env.REGISTRY_AUTH_FILE)) {
    containersAuthFile = env.REGISTRY_AUTH_FILE;
    containersAuthSource = 'REGISTRY_AUTH_FILE';
  } else if (nonEmpty(env.XDG_RUNTIME_DIR)) {
    containersAuthFile = join(env.XDG_RUNTIME_DIR!, 'containers', 'auth.json');
    containersAuthSource = 'XDG_RUNTIME_DIR';
  } else {
    // containers/image reads this one too, after the runtime directory; unlike that directory it survives a reboot.
    const configHome = nonEmpty(env.XDG_CONFIG_HOME) ?? (home ? join(home, '.config') : undefined);
    containersAuthFile = configHome ? join(configHome, 'containers', 'auth.json') : undefined;
    containersAuthSource = nonEmpty(env.XDG_CONFIG_HOME) ? 'XDG_CONFIG_HOME (no XDG_RUNTIME_DIR)' : '~/.config (no XDG_RUNTIME_DIR)';
  }
  const region = nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION);
  return {
    dockerConfigFile: dockerDir ? join(dockerDir, 'config.json') : undefined,
    dockerConfigSource: nonEmpty(env.DOCKER_CONFIG) ? 'DOCKER_CONFIG' : '~/.docker',
    containersAuthFile,
    containersAuthSource,
    path: env.PATH ?? '',
    region,
    regionSource: nonEmpty(env.AWS_REGION) ? 'AWS_REGION' : region ? 'AWS_DEFAULT_REGION' : undefined,
  };
}
