// The one runner: it orders the check families, hands each the facts of the ones before, and returns the verdicts
// in print order. Adding a check: a function in its family's file, and one line here.
import { configuredRegion } from '../../identity/region';
import { hostOs } from '../../platform/host-os';
import type { SetupSettings } from '../../platform/setup-settings';
import { registryForHost, type Registry } from '../../registry/host';
import type { Route } from '../../registry/routing';
import { openStore } from '../../tokens/service';
import type { RequestContext } from '../../tokens/context';
import { containersLoginCheck, dockerRouteOf, routeCheck, storedLoginCheck } from './docker-route';
import { askHelper } from './other-helper';
import { helperRouteChecks } from './helper-route';
import { hostChecks, servedBy, storeChecks } from './hosts';
import { identityChecks } from './identity';
import { ownRegistryCheck } from './own-registry';
import type { Check } from './result';
import { dockerConfigCheck, helperConfigCheck, pathCheck, versionCheck } from './setup';
import { tokenChecks } from './tokens';
import { parseImage, type ImageRef } from './image';
import { imageCheck } from './pull';
import { printable } from '../../platform/log';
import { pathStatus } from '../../platform/executable-path';
import { selfExecutable } from '../../platform/runtime';

function cacheCheck(deps: RequestContext): Check {
  const { settings } = deps;
  if (settings.cacheDir === undefined)
    return { name: 'cache', status: 'ok', message: `token cache off (${settings.cacheDirSource})` };
  if (openStore(deps))
    return { name: 'cache', status: 'ok', message: `token cache ${settings.cacheDir} (${settings.cacheDirSource})` };
  return {
    name: 'cache',
    status: 'warn',
    message: `token cache ${settings.cacheDir} is not usable (see the warning above); every pull asks AWS`,
    fix: `${hostOs.makePrivateCommand(settings.cacheDir)}, or set AWS_ECR_CACHE_DIR`,
  };
}

export async function runChecks(args: readonly string[], deps: RequestContext, setup: SetupSettings): Promise<Check[]> {
  const { settings } = deps;
  // An argument with a repository path is an image: its host is checked as a host, then the registry is asked.
  const images: ImageRef[] = [];
  const badImages: Check[] = [];
  const requested: string[] = [];
  for (const arg of args) {
    const image = parseImage(arg);
    if (typeof image === 'string') badImages.push({ name: `image:${printable(arg)}`, status: 'fail', message: image });
    else if (image) {
      images.push(image);
      requested.push(image.host);
    } else requested.push(arg);
  }
  const dockerConfig = dockerConfigCheck(setup);
  const docker = dockerConfig.facts.docker;
  const helperConfig = helperConfigCheck(settings);
  const hosts = hostChecks(requested, docker, servedBy(helperConfig.facts.helperConfig));
  const store = await storeChecks(docker, hosts.facts.hosts, requested, settings, deps.env);

  // Resolved as `get` resolves them; then AWS asked now, before the per-host lines that depend on its answer.
  const routes = new Map<string, Route>();
  const resolved = new Map<string, Check[]>();
  for (const host of hosts.facts.hosts) {
    if (helperConfig.facts.broken) continue;
    const outcome = helperRouteChecks(host, settings, helperConfig.facts.helperConfig);
    resolved.set(host, outcome.checks);
    if (outcome.facts.route) routes.set(host, outcome.facts.route);
  }
  const tokens = await tokenChecks(routes, deps);
  // What `get` would do now: no cached token to serve and AWS refusing a new one.
  const failedNow = (host: string): boolean =>
    tokens.facts.tokens.some(
      (t) => t.host === host && !t.isPublic && t.fresh.state === 'failed' && t.cachedUntil === undefined,
    );

  // Docker runs the docker-credential-ecr on PATH: when that is another executable, it is run as Docker runs it.
  const otherOnPath = pathStatus(setup.path, selfExecutable()).state === 'other';
  const perHost: Check[] = [];
  for (const host of hosts.facts.hosts) {
    // What Docker runs for the host when it is not this helper, run as Docker runs it.
    const route = dockerRouteOf(docker?.view, host);
    const other = route.kind === 'other-helper' ? route.helper : route.kind === 'other-store' ? route.store : undefined;
    const answer =
      other !== undefined
        ? await askHelper(other, host, setup.path, deps.env)
        : route.kind === 'ours' && otherOnPath
          ? await askHelper('ecr', host, setup.path, deps.env)
          : undefined;
    perHost.push(routeCheck(host, docker, deps.now(), answer));
    for (const check of [
      storedLoginCheck(host, docker, deps.now(), failedNow(host)),
      containersLoginCheck(host, setup),
    ])
      if (check) perHost.push(check);
    perHost.push(...(resolved.get(host) ?? []));
  }
  const identities = await identityChecks(routes, tokens.facts.tokens, deps, setup);
  const imageLines: Check[] = [...badImages];
  for (const image of images) {
    const route = routes.get(image.host);
    if (route)
      imageLines.push(
        await imageCheck(
          image,
          route,
          deps,
          tokens.facts.tokens.find((t) => t.host === image.host),
        ),
      );
  }
  const own = identities.facts.own;
  const registryOf = (host: string): Registry | undefined => routes.get(host)?.registry ?? registryForHost(host);
  const ownRegistry =
    own && requested.length === 0 && docker
      ? ownRegistryCheck(own, hosts.facts.hosts, docker, configuredRegion(settings, setup), registryOf)
      : undefined;

  return [
    versionCheck(),
    pathCheck(setup),
    ...dockerConfig.checks,
    ...helperConfig.checks,
    ...hosts.checks,
    ...store,
    ...perHost,
    ...identities.checks,
    ...(ownRegistry ? [ownRegistry] : []),
    cacheCheck(deps),
    ...tokens.checks,
    ...imageLines,
  ];
}
