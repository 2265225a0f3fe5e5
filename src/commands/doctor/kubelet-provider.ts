// doctor --kubelet: which of the config's providers is this helper (resolved through the bin dir when one is
// given, else guessed from its name and arguments), and whether the kubelet runs it in the kubelet mode.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { KUBELET_MODE, KUBELET_PLUGIN_NAME } from '../../kubelet/names';
import { selfExecutable } from '../../platform/runtime';
import { shellQuote } from '../../platform/posix';
import type { Check } from '../command-io';
import type { Json } from './kubelet-files';

export interface Ours {
  provider: Json;
  name: string;
  /** How we know: the bin dir's file is this executable, or reports our version; or only its name suggests it. */
  resolved: 'self' | 'version' | 'name';
}

export const providerArgs = (provider: Json): string[] =>
  Array.isArray(provider.args) ? provider.args.map(String) : [];

function resolveProvider(
  name: string,
  binDir: string | undefined,
): 'self' | 'version' | 'other' | 'missing' | 'unknown' {
  if (!binDir) return 'unknown';
  const file = join(binDir, name);
  try {
    accessSync(file, constants.X_OK);
  } catch {
    return 'missing';
  }
  const self = selfExecutable();
  if (self) {
    try {
      if (realpathSync(file) === realpathSync(self)) return 'self';
    } catch {
      // Compared by running it below.
    }
  }
  const r = spawnSync(file, ['version'], { encoding: 'utf8', timeout: 10_000, env: { PATH: '/usr/bin:/bin' } });
  return r.status === 0 && r.stdout.startsWith('docker-credential-ecr ') ? 'version' : 'other';
}

/** The kubelet's --image-credential-provider-bin-dir, when given: it must be a directory. */
export function binDirCheck(binDir: string): Check {
  let isDir = false;
  try {
    isDir = statSync(binDir).isDirectory();
  } catch {
    // Reported below.
  }
  return isDir
    ? { name: 'kubelet-bin-dir', status: 'ok', message: `bin dir ${binDir} exists` }
    : {
        name: 'kubelet-bin-dir',
        status: 'fail',
        message: `bin dir ${binDir} is not a directory`,
        fix: 'the kubelet refuses to start without --image-credential-provider-bin-dir',
      };
}

/** The providers that are this helper, and checks for those that should be but are not. */
export function ourProviders(
  providers: readonly Json[],
  binDir: string | undefined,
): { ours: Ours[]; checks: Check[] } {
  const checks: Check[] = [];
  const ours: Ours[] = [];
  for (const provider of providers) {
    const name = typeof provider.name === 'string' ? provider.name : '';
    if (!name || name.includes('/')) {
      checks.push({
        name: 'kubelet-provider',
        status: 'fail',
        message: `provider name ${JSON.stringify(provider.name)} must be a file name in the bin dir (no "/")`,
      });
      continue;
    }
    const args = providerArgs(provider);
    const looksOurs = name === KUBELET_PLUGIN_NAME || name === 'docker-credential-ecr' || args.includes(KUBELET_MODE);
    const resolved = resolveProvider(name, binDir);
    if (resolved === 'self' || resolved === 'version') ours.push({ provider, name, resolved });
    else if (resolved === 'unknown' && looksOurs) ours.push({ provider, name, resolved: 'name' });
    else if (looksOurs && resolved === 'missing')
      checks.push({
        name: `kubelet-provider:${name}`,
        status: 'fail',
        message: `${join(binDir!, name)} does not exist or is not executable; the kubelet refuses to start`,
        fix: `install the helper there: cp ${shellQuote(selfExecutable() ?? 'dist/docker-credential-ecr')} ${shellQuote(join(binDir!, name))}`,
      });
    else if (looksOurs && resolved === 'other')
      checks.push({
        name: `kubelet-provider:${name}`,
        status: 'warn',
        message: `${join(binDir!, name)} is not docker-credential-ecr (\`${name} version\` does not say so): another plugin, e.g. AWS's`,
      });
  }
  return { ours, checks };
}

/** Whether the kubelet runs our provider in the kubelet mode, and how we know it is ours. */
export function invocationCheck(id: string, { provider, name, resolved }: Ours): Check {
  const args = providerArgs(provider);
  const how =
    resolved === 'self'
      ? 'is this executable'
      : resolved === 'version'
        ? 'is docker-credential-ecr'
        : 'is named like this helper (give --bin-dir to check the file)';
  const argsOk =
    name === KUBELET_PLUGIN_NAME
      ? args.length === 0 || (args.length === 1 && args[0] === KUBELET_MODE)
      : args.length === 1 && args[0] === KUBELET_MODE;
  return argsOk
    ? {
        name: id,
        status: resolved === 'name' ? 'warn' : 'ok',
        message: `provider ${name} ${how}; the kubelet runs it as \`${[name, ...args].join(' ')}\``,
      }
    : {
        name: id,
        status: 'fail',
        message: `provider ${name}: args ${JSON.stringify(args)} do not select the kubelet mode`,
        fix: name === KUBELET_PLUGIN_NAME ? 'remove args' : `args: ["${KUBELET_MODE}"]`,
      };
}
