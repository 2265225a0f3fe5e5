// The checks before any host: this executable, PATH, the Docker config and the helper's own config.
import { version } from '../../../package.json';
import { DockerConfigError, parseDockerConfig, readConfigFile } from '../../docker/config-file';
import { HelperError } from '../../platform/errors';
import { EXECUTABLE_NAME, linkCommand, pathStatus } from '../../platform/executable-path';
import { selfExecutable } from '../../platform/runtime';
import type { Settings } from '../../platform/settings';
import type { SetupSettings } from '../../platform/setup-settings';
import { loadRegistryConfig, type RegistryConfig } from '../../registry/config-file';
import type { Check, DockerState, Outcome } from './result';

export function versionCheck(): Check {
  const self = selfExecutable();
  return {
    name: 'version',
    status: 'ok',
    message: `docker-credential-ecr ${version}${self ? ` at ${self}` : ` (running under Node.js ${process.version}, not the built executable)`}`,
  };
}

export function pathCheck(setup: SetupSettings): Check {
  const self = selfExecutable();
  const onPath = pathStatus(setup.path, self);
  if (onPath.state === 'found') return { name: 'path', status: 'ok', message: `on PATH: ${onPath.where}` };
  if (onPath.state === 'other') {
    return {
      name: 'path',
      status: 'warn',
      message: `PATH has ${onPath.where}, which is not this executable (${onPath.self}); Docker runs that one`,
      fix: linkCommand(self, true),
    };
  }
  return {
    name: 'path',
    status: 'fail',
    message: `${EXECUTABLE_NAME} is not on PATH, so Docker cannot run it ("executable file not found in $PATH")`,
    fix: linkCommand(self),
  };
}

export function dockerConfigCheck(setup: SetupSettings): Outcome<{ docker: DockerState | undefined }> {
  const name = 'docker-config';
  if (!setup.dockerConfigFile) {
    return {
      checks: [
        {
          name,
          status: 'fail',
          message: 'no Docker config location: neither DOCKER_CONFIG nor HOME is set',
          fix: 'set HOME (or DOCKER_CONFIG)',
        },
      ],
      facts: { docker: undefined },
    };
  }
  try {
    const file = readConfigFile(setup.dockerConfigFile);
    const link = file.target !== file.path ? ` (a link to ${file.target})` : '';
    if (file.text === undefined) {
      return {
        checks: [
          {
            name,
            status: 'warn',
            message: `no Docker config at ${setup.dockerConfigFile} (${setup.dockerConfigSource})`,
            fix: 'docker-credential-ecr configure',
          },
        ],
        facts: { docker: undefined },
      };
    }
    const docker = { path: file.path, view: parseDockerConfig(file.text, file.path) };
    return {
      checks: [{ name, status: 'ok', message: `Docker config ${file.path}${link} (${setup.dockerConfigSource})` }],
      facts: { docker },
    };
  } catch (error) {
    if (!(error instanceof DockerConfigError)) throw error;
    return {
      checks: [
        {
          name,
          status: 'fail',
          message: `${error.message} (Docker cannot read it either)`,
          fix:
            error.fix ??
            `correct what the message names, or move the file away and run \`docker-credential-ecr configure\``,
        },
      ],
      facts: { docker: undefined },
    };
  }
}

/** `broken`: the file exists but cannot be used, so no host can be resolved as `get` would. */
export function helperConfigCheck(
  settings: Settings,
): Outcome<{ helperConfig: RegistryConfig | undefined; broken: boolean }> {
  const name = 'helper-config';
  try {
    const helperConfig = loadRegistryConfig(settings);
    const message = helperConfig
      ? `helper config ${helperConfig.file}: ${helperConfig.rules.length} registry entr${helperConfig.rules.length === 1 ? 'y' : 'ies'}`
      : `no helper config${settings.helperConfigFile ? ` at ${settings.helperConfigFile}` : ''}: built-in routing, default AWS identity`;
    return { checks: [{ name, status: 'ok', message }], facts: { helperConfig, broken: false } };
  } catch (error) {
    if (!(error instanceof HelperError)) throw error;
    const fix = `edit ${settings.helperConfigFile ?? 'the helper config file'} at the line the message names, as it says (docs/config-file.md shows every field)`;
    return {
      checks: [{ name, status: 'fail', message: error.message, fix }],
      facts: { helperConfig: undefined, broken: true },
    };
  }
}
