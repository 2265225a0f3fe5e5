// `doctor --kubelet FILE [--bin-dir DIR]`: checks a node's CredentialProviderConfig against this helper: it
// parses (kubelet-files.ts); a provider's name resolves to this helper in the bin dir and its arguments select the
// kubelet mode (kubelet-provider.ts); its matchImages cover the ECR hosts we serve and match nothing we do not
// (kubelet-match-images.ts); apiVersion, durations and tokenAttributes (kubelet-token-attributes.ts) are
// consistent with what the kubelet and this helper expect.
import { parseGoDuration } from '../../kubelet/go-duration';
import { KUBELET_API_VERSIONS } from '../../kubelet/request';
import type { Settings } from '../../platform/settings';
import type { Check } from '../command-io';
import { configFileChecks, shown } from './kubelet-files';
import { customHostSamples, matchImagesChecks } from './kubelet-match-images';
import { binDirCheck, invocationCheck, ourProviders } from './kubelet-provider';
import { tokenAttributeChecks } from './kubelet-token-attributes';

const TOKEN_LIFETIME_MS = 12 * 3600_000;

export function kubeletChecks(
  configPath: string,
  binDir: string | undefined,
  settings: Settings,
  node?: { region: string; source: string },
): Check[] {
  const files = configFileChecks(configPath);
  if (files.unreadable) return files.checks;
  const checks = [...files.checks];
  if (binDir !== undefined) checks.push(binDirCheck(binDir));

  const { ours, checks: providerChecks } = ourProviders(files.providers, binDir);
  checks.push(...providerChecks);
  if (ours.length === 0) {
    checks.push({
      name: 'kubelet-provider',
      status: 'fail',
      message: `no provider in ${configPath} runs docker-credential-ecr${binDir ? ` from ${binDir}` : ''}`,
      fix: 'docker-credential-ecr kubelet-config prints one',
    });
    return checks;
  }

  const custom = customHostSamples(settings);
  for (const our of ours) {
    const { provider, name } = our;
    const id = `kubelet-provider:${name}`;
    checks.push(invocationCheck(id, our));

    const apiVersion = typeof provider.apiVersion === 'string' ? provider.apiVersion : shown(provider.apiVersion ?? '');
    checks.push(
      (KUBELET_API_VERSIONS as readonly string[]).includes(apiVersion)
        ? { name: `${id}:apiVersion`, status: 'ok', message: `apiVersion ${apiVersion} (answered in the same version)` }
        : {
            name: `${id}:apiVersion`,
            status: 'fail',
            message: `apiVersion ${JSON.stringify(provider.apiVersion)} is not one of ${KUBELET_API_VERSIONS.join(', ')}`,
          },
    );

    const matchImages = Array.isArray(provider.matchImages) ? provider.matchImages.map(String) : [];
    checks.push(...matchImagesChecks(id, matchImages, node, custom));

    const duration =
      typeof provider.defaultCacheDuration === 'string' ? parseGoDuration(provider.defaultCacheDuration) : undefined;
    if (duration === undefined)
      checks.push({
        name: `${id}:defaultCacheDuration`,
        status: 'fail',
        message: `defaultCacheDuration ${JSON.stringify(provider.defaultCacheDuration)} is missing or not a Go duration (the kubelet requires it)`,
        fix: 'defaultCacheDuration: "12h"',
      });
    else if (duration > TOKEN_LIFETIME_MS)
      checks.push({
        name: `${id}:defaultCacheDuration`,
        status: 'warn',
        message: `defaultCacheDuration ${shown(provider.defaultCacheDuration)} is longer than an ECR token lives (12h); only used if a response had no cacheDuration (ours always has one)`,
      });
    else
      checks.push({
        name: `${id}:defaultCacheDuration`,
        status: 'ok',
        message: `defaultCacheDuration ${shown(provider.defaultCacheDuration)}; each response sets its own cacheDuration (until our cache would refresh the token)`,
      });

    checks.push(...tokenAttributeChecks(id, provider, apiVersion));
  }
  return checks;
}
