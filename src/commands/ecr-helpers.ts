// Other credential helpers that serve ECR: the Go helper (docker-credential-ecr-login) under its own name or
// another, and this helper under another name. `configure` moves their credHelpers entries over; `doctor` names them.
import { realpathSync } from 'node:fs';
import { basename } from 'node:path';
import {
  DockerConfigError,
  HELPER_NAME,
  parseDockerConfig,
  readConfigFile,
  type DockerConfigView,
} from '../docker/config-file';
import { findOnPath } from '../platform/executable-path';
import { parseServerUrl, registryForHost } from '../registry/host';

const ECR_EXECUTABLES = /^docker-credential-ecr(-login)?(\.exe)?$/;

/** Whether `docker-credential-<name>` is an ECR helper: ecr-login, or an executable on PATH that is one under another name. */
export function isOtherEcrHelper(name: string, path: string): boolean {
  if (name === HELPER_NAME) return false;
  if (name === 'ecr-login') return true;
  const where = findOnPath(path, `docker-credential-${name}`);
  if (!where) return false;
  try {
    return ECR_EXECUTABLES.test(basename(realpathSync(where)));
  } catch {
    return false;
  }
}

/** credHelpers keys (ECR hosts) that another ECR helper answers for, with that helper's name. */
export function otherEcrHelperEntries(view: DockerConfigView, path: string): { key: string; helper: string }[] {
  return Object.entries(view.credHelpers)
    .filter(([key, helper]) => {
      try {
        return registryForHost(parseServerUrl(key).host)?.kind === 'ecr' && isOtherEcrHelper(helper, path);
      } catch {
        return false;
      }
    })
    .map(([key, helper]) => ({ key, helper }));
}

/** Regions of the private ECR hosts a Docker config names (credHelpers and auths keys), the account's own first. */
export function regionsInConfig(
  view: DockerConfigView,
  account: string | undefined,
): { region: string; host: string }[] {
  const found: { region: string; host: string; own: boolean }[] = [];
  for (const key of [...Object.keys(view.credHelpers), ...Object.keys(view.auths)]) {
    try {
      const registry = registryForHost(parseServerUrl(key).host);
      if (registry?.kind !== 'ecr' || found.some((f) => f.region === registry.region)) continue;
      found.push({ region: registry.region, host: registry.host, own: registry.account === account });
    } catch {
      // Not a host.
    }
  }
  return found.sort((a, b) => Number(b.own) - Number(a.own)).map(({ region, host }) => ({ region, host }));
}

export interface ExistingConfig {
  path: string;
  view: DockerConfigView;
}

/** The Docker config as it is, when it exists and parses (a file that does not parse is refused below, by plan()). */
export function readExisting(path: string): ExistingConfig | undefined {
  try {
    const file = readConfigFile(path);
    return file.text === undefined ? undefined : { path: file.path, view: parseDockerConfig(file.text, path) };
  } catch (error) {
    if (error instanceof DockerConfigError) return undefined;
    throw error;
  }
}
