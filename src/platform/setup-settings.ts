// What `configure` and `doctor` read from the environment on top of Settings (settings.ts): where Docker's config
// and the containers auth file are, the PATH Docker searches, the region. Kept apart so `get` never pays for it.
import { join } from 'node:path';
import { hostOs } from './host-os';
import { nonEmpty, xdgDirectory, type Env, type Settings } from './settings';

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
  const dockerDir = nonEmpty(env.DOCKER_CONFIG) ?? hostOs.dockerConfigDir(env, home);
  let containersAuthFile: string | undefined;
  let containersAuthSource: string;
  if (nonEmpty(env.REGISTRY_AUTH_FILE)) {
    containersAuthFile = env.REGISTRY_AUTH_FILE;
    containersAuthSource = 'REGISTRY_AUTH_FILE';
  } else if (xdgDirectory(env, 'XDG_RUNTIME_DIR')) {
    containersAuthFile = join(xdgDirectory(env, 'XDG_RUNTIME_DIR')!, 'containers', 'auth.json');
    containersAuthSource = 'XDG_RUNTIME_DIR';
  } else {
    // containers/image reads this one too, after the runtime directory; unlike that directory it survives a reboot.
    const xdgConfig = xdgDirectory(env, 'XDG_CONFIG_HOME');
    const configHome = xdgConfig ?? (home ? join(home, '.config') : undefined);
    containersAuthFile = configHome ? join(configHome, 'containers', 'auth.json') : undefined;
    containersAuthSource = xdgConfig ? 'XDG_CONFIG_HOME (no XDG_RUNTIME_DIR)' : '~/.config (no XDG_RUNTIME_DIR)';
  }
  const region = nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION);
  return {
    dockerConfigFile: dockerDir ? hostOs.joinPath(dockerDir, 'config.json') : undefined,
    dockerConfigSource: nonEmpty(env.DOCKER_CONFIG) ? 'DOCKER_CONFIG' : '~/.docker',
    containersAuthFile,
    containersAuthSource,
    path: env.PATH ?? '',
    region,
    regionSource: nonEmpty(env.AWS_REGION) ? 'AWS_REGION' : region ? 'AWS_DEFAULT_REGION' : undefined,
  };
}
