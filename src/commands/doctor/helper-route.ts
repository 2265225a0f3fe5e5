// How this helper resolves each host, as `get` does: the helper config's entry, the registry, the identity; and a
// region that is likelier a typo than a region newer than our SDK.
import { HelperError, UnreadableIdentityError } from '../../platform/errors';
import type { Settings } from '../../platform/settings';
import type { RegistryConfig } from '../../registry/config-file';
import { nearestRegion } from '../../registry/hints';
import { routeServerUrl, type Route } from '../../registry/routing';
import { resolve } from '../../tokens/service';
import { configureFix, type Check, type Outcome } from './result';

export function helperRouteChecks(
  host: string,
  settings: Settings,
  helperConfig: RegistryConfig | undefined,
): Outcome<{ route: Route | undefined }> {
  const checks: Check[] = [];
  let route: Route;
  try {
    route = routeServerUrl(host, settings);
  } catch (error) {
    if (!(error instanceof HelperError)) throw error;
    const fix =
      error instanceof UnreadableIdentityError
        ? 'make the file it names a regular file of its usual size (not a pipe or a device), or point the setting that names it elsewhere'
        : `edit ${settings.helperConfigFile ?? 'the helper config'} where the message says`;
    return {
      checks: [{ name: `helper-config:${host}`, status: 'fail', message: error.message, fix }],
      facts: { route: undefined },
    };
  }
  const region = route.registry.kind === 'ecr' ? route.registry.region : undefined;
  const near = region ? nearestRegion(region) : undefined;
  if (region && near) {
    checks.push({
      name: `region:${host}`,
      status: 'warn',
      message: `${host}: region ${region} is not one the AWS SDK knows; did you mean ${near}?`,
      fix: `${configureFix(host.replace(`.${region}.`, `.${near}.`))}, and pull from that host`,
    });
  }
  if (helperConfig) {
    const identity = resolve(route, settings).identity;
    checks.push({
      name: `helper-config:${host}`,
      status: 'ok',
      message: route.rule
        ? `${host}: entry "${route.rule.pattern}" (${route.configFile}:${route.rule.line})${route.rule.target ? ` stands for ${route.rule.target.host}` : ''}; identity ${identity.label}`
        : `${host}: no entry in the helper config; identity ${identity.label}`,
    });
  }
  return { checks, facts: { route } };
}
