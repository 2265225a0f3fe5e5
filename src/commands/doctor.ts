// `docker-credential-ecr doctor [HOST]... [--json]`: checks, one line each, everything between `docker pull` and
// a token: the executable on PATH, the Docker config's routing, the helper's config file, the AWS identity, and
// for each ECR host a real token request (through the cache, like `get`). Exit 1 when any check fails; warnings
// (things that work but may surprise) leave the exit status 0.
import { redactUrl } from '../platform/redact';
import { version } from '../../package.json';
import { freshness, refreshMargin } from '../cache/policy';
import type { CacheEntry } from '../cache/store';
import { configuredRegion } from '../identity/region';
import { readSetupSettings, type SetupSettings } from '../platform/settings';
import { DockerConfigError, HELPER_NAME, parseDockerConfig, readConfigFile, type DockerConfigView, type StoredAuth } from '../docker/config-file';
import { HelperError, TokenFetchError } from '../platform/errors';
import { apiName } from '../tokens/explain';
import { EXECUTABLE_NAME, findOnPath, linkCommand, pathStatus } from '../platform/executable-path';
import { hostOs } from '../platform/host-os';
import { selfExecutable } from '../platform/runtime';
import { hintForUnservedHost, nearestRegion } from '../registry/hints';
import { selectIdentity, type Identity } from '../identity/identity';
import { describeSource } from '../identity/source';
import { readSharedConfig } from '../identity/shared-config';
import type { Logger } from '../platform/log';
import { printable, printableAscii } from '../platform/log';
import { parseServerUrl, registryDomain, registryForHost, type Partition, type Registry } from '../registry/host';
import { loadRegistryConfig, matchRule, type RegistryConfig } from '../registry/config-file';
import { routeServerUrl, type Route } from '../registry/routing';
import { getToken, openStore, resolve, type ServiceDeps } from '../tokens/service';
import { kubeletChecks } from './doctor-kubelet';
import { credsStoreChecks } from './doctor-creds-store';
import { profileAccount } from './profile-account';
import type { Check, CheckStatus, CommandIo } from './command-io';
import { commandHelp } from './help';

const USAGE = commandHelp('doctor')!.text;

const configureFix = (host: string): string => `docker-credential-ecr configure --registry ${host}`;

function relative(ms: number, now: number): string {
  const minutes = Math.round((ms - now) / 60_000);
  const span = Math.abs(minutes) >= 120 ? `${Math.round(Math.abs(minutes) / 60)} h` : `${Math.abs(minutes)} min`;
  return minutes >= 0 ? `in ${span}` : `${span} ago`;
}

function when(ms: number, now: number): string {
  return `${new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')} (${relative(ms, now)})`;
}

/** Expiry of an ECR token stored by `docker login`: its password is base64 JSON with an `expiration` in seconds. */
function storedTokenExpiry(auth: string | undefined): number | undefined {
  if (!auth) return undefined;
  try {
    const decoded = Buffer.from(auth, 'base64').toString('utf8');
    if (!decoded.startsWith('AWS:')) return undefined;
    const inner: unknown = JSON.parse(Buffer.from(decoded.slice(4), 'base64').toString('utf8'));
    const expiration = (inner as { expiration?: unknown }).expiration;
    return typeof expiration === 'number' ? expiration * 1000 : undefined;
  } catch {
    return undefined;
  }
}

function describeRegistry(registry: Registry, endpoint: string | undefined): string {
  const api = apiName(registry);
  const variant = [registry.partition !== 'aws' ? `partition ${registry.partition}` : '', registry.fips ? 'FIPS' : '', registry.dualstack ? 'dual-stack' : ''].filter(Boolean).join(', ');
  return `${api} in ${registry.region}${variant ? ` (${variant})` : ''}${endpoint ? ` via ${redactUrl(endpoint)}` : ''}`;
}

/** Warnings from the token service repeat per host (an unusable cache directory); once is enough. */
function onceOnly(log: Logger): Logger {
  const seen = new Set<string>();
  return {
    ...log,
    warn: (message) => {
      if (seen.has(message)) return;
      seen.add(message);
      log.warn(message);
    },
  };
}

interface DockerState {
  path: string;
  view: DockerConfigView;
}

/** The `auths` entry that holds a stored credential for `host` (under any spelling of its address), if any. */
function storedLogin(view: DockerConfigView, host: string): [string, StoredAuth] | undefined {
  return Object.entries(view.auths).find(([key, entry]) => {
    if (!entry.hasCredential) return false;
    try {
      return parseServerUrl(key).host === host;
    } catch {
      return false;
    }
  });
}

/**
 * podman, skopeo and buildah read their own auth file before ~/.docker/config.json, and in each file a
 * credHelpers entry before a stored login. `podman login -u AWS` to a host that only ~/.docker/config.json sends
 * to this helper stores the token there, so the helper is never asked again and pulls fail 12 hours later.
 */
function containersLoginShadows(host: string, setup: SetupSettings): Check | undefined {
  if (!setup.containersAuthFile) return undefined;
  let view: DockerConfigView;
  try {
    const file = readConfigFile(setup.containersAuthFile);
    if (file.text === undefined) return undefined;
    view = parseDockerConfig(file.text, file.path);
  } catch {
    return undefined; // Not ours to judge: podman reports its own file's errors.
  }
  if (view.credHelpers[host] === HELPER_NAME) return undefined;
  if (!storedLogin(view, host)) return undefined;
  return {
    name: `containers-login:${host}`,
    status: 'warn',
    message: `${setup.containersAuthFile} holds a stored login for ${host} (from \`podman login\`): podman, skopeo and buildah use it instead of this helper, and it expires 12 hours after it was made`,
    // configure removes the stored login from every file it routes the host in (podman's too, with --containers).
    fix: `docker-credential-ecr configure --containers --registry ${host}`,
  };
}

const EXPIRED_TOKEN_ERROR = '"denied: Your authorization token has expired. Reauthenticate and try again."';

/** Docker's own lookup: a credHelpers entry for the host, else credsStore, else the login stored in `auths`. */
function routeChecks(host: string, docker: DockerState | undefined, now: number, path: string): Check[] {
  const checks: Check[] = [];
  const view = docker?.view;
  const helper = view?.credHelpers[host];
  const stored = view ? storedLogin(view, host) : undefined;
  if (helper === HELPER_NAME) {
    checks.push({ name: `route:${host}`, status: 'ok', message: `${host}: credHelpers sends it to docker-credential-ecr` });
  } else if (helper !== undefined) {
    const other = `docker-credential-${printable(helper)}`;
    const where = findOnPath(path, `docker-credential-${helper}`);
    checks.push(
      where
        ? {
            // Another helper (the Go helper, docker-credential-ecr-login) answers: a working set-up, not a failure.
            name: `route:${host}`,
            status: 'warn',
            message: `${host}: credHelpers sends it to ${other} (${printable(where)}), which answers Docker for it, not this helper; the token check below is this helper's`,
            fix: `to switch to this helper: ${configureFix(host)}`,
          }
        : {
            name: `route:${host}`,
            status: 'fail',
            message: `${host}: credHelpers sends it to ${other}, which is not on PATH, so Docker's pulls fail ("${other}: executable file not found in $PATH")`,
            fix: configureFix(host),
          },
    );
  } else if (view?.credsStore === HELPER_NAME) {
    checks.push({ name: `route:${host}`, status: 'ok', message: `${host}: credsStore "ecr" sends it to docker-credential-ecr` });
  } else if (view?.credsStore) {
    checks.push({
      name: `route:${host}`,
      status: 'fail',
      message:
        `${host}: not in credHelpers, so credsStore "${printable(view.credsStore)}" answers for it with the token docker login stored there, ` +
        `which expires after 12 hours (${EXPIRED_TOKEN_ERROR})`,
      fix: configureFix(host),
    });
  } else {
    checks.push({
      name: `route:${host}`,
      status: 'fail',
      message: `${host}: not in credHelpers of ${docker ? printable(docker.path) : 'the Docker config'}, so Docker does not ask this helper`,
      fix: configureFix(host),
    });
  }
  if (stored) {
    const expiry = storedTokenExpiry(stored[1].auth);
    const at = expiry === undefined ? '' : new Date(expiry).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const age = expiry === undefined ? '' : ` (${expiry <= now ? 'expired' : 'expires'} ${at}, ${relative(expiry, now)})`;
    if (helper !== undefined || view?.credsStore === HELPER_NAME) {
      // Seen at the engine with docker CLI 28: when the helper fails, the CLI falls back to the auths entry
      // (its native store reads the file's entry first, whether the helper came from credHelpers or credsStore).
      checks.push({
        name: `stored-login:${host}`,
        status: 'warn',
        message:
          `${host}: auths also holds a token docker login stored${age}; whenever the helper fails, Docker sends that token instead, ` +
          `and the pull fails with ${EXPIRED_TOKEN_ERROR} rather than the helper's own error`,
        fix: configureFix(host),
      });
    } else if (view?.credsStore) {
      checks.push({
        name: `stored-login:${host}`,
        status: 'warn',
        message: `${host}: auths holds a token stored by docker login${age}`,
        fix: configureFix(host),
      });
    } else {
      checks.push({
        name: `stored-login:${host}`,
        status: 'fail',
        message: `${host}: Docker uses the token docker login stored in auths${age}; ECR tokens last 12 hours, then pulls fail with ${EXPIRED_TOKEN_ERROR}`,
        fix: `${configureFix(host)} (it also removes the stored token)`,
      });
    }
  }
  return checks;
}

/** ECR hosts the Docker config names (credHelpers or auths keys), in file order, without duplicates. */
function hostsInDockerConfig(view: DockerConfigView, served: (host: string) => boolean): { hosts: string[]; strays: string[] } {
  const hosts: string[] = [];
  const strays: string[] = [];
  for (const [key, helper] of [...Object.entries(view.credHelpers), ...Object.keys(view.auths).map((k): [string, string | undefined] => [k, undefined])]) {
    let host: string;
    try {
      host = parseServerUrl(key).host;
    } catch {
      continue;
    }
    if (served(host)) {
      if (!hosts.includes(host)) hosts.push(host);
    } else if (helper === HELPER_NAME) {
      strays.push(key);
    }
  }
  return { hosts, strays };
}

async function tokenChecks(host: string, route: Route, deps: ServiceDeps): Promise<Check[]> {
  const { settings, now } = deps;
  const { identity, key, endpointOverride } = resolve(route, settings);
  const where = `${host}: ${describeRegistry(route.registry, endpointOverride)} as ${identity.label}`;
  const store = openStore(deps);
  const before = store?.read(key);
  const beforeState = before ? freshness(before, now()) : undefined;
  const checks: Check[] = [];
  let fetchFailed = false;
  try {
    const token = await getToken(route, deps);
    const fromCache = before !== undefined && token.password === before.password;
    if (fromCache && beforeState === 'refresh-due') {
      fetchFailed = true;
      checks.push({
        name: `token:${host}`,
        status: 'warn',
        message: `${where}: a new token could not be fetched (see the warning above); the cached one is served until it expires ${when(token.expiresAt, now())}`,
        fix: 'run `docker-credential-ecr doctor` again once the cause above is fixed',
      });
    } else {
      checks.push({ name: `token:${host}`, status: 'ok', message: `${where}: token ${fromCache ? 'served from the cache' : 'fetched from AWS now'}, valid until ${when(token.expiresAt, now())}` });
    }
  } catch (error) {
    fetchFailed = true;
    const failure =
      error instanceof TokenFetchError
        ? { message: error.summary, fix: error.hint }
        : { message: `${host}: ${error instanceof Error ? error.message : String(error)}`, fix: 'run with DOCKER_CREDENTIAL_ECR_LOG=debug for details' };
    // Public images need no login: without a token they are pulled anonymously, at a lower rate limit.
    const isPublic = route.registry.kind === 'ecr-public';
    checks.push({
      name: `token:${host}`,
      status: isPublic ? 'warn' : 'fail',
      message: `${printable(failure.message)}${isPublic ? ' (public images are then pulled anonymously, at a lower rate limit)' : ''}`,
      fix: failure.fix,
    });
  }
  checks.push(cacheCheck(host, store ? store.read(key) : undefined, Boolean(store), settings.cacheDirSource, fetchFailed, now()));
  return checks;
}

function cacheCheck(host: string, entry: CacheEntry | undefined, cacheOn: boolean, cacheDirSource: string, fetchFailed: boolean, now: number): Check {
  const name = `cache:${host}`;
  if (!cacheOn) return { name, status: 'ok', message: `${host}: no token cache (${cacheDirSource}); every pull asks AWS` };
  if (!entry) {
    return fetchFailed
      ? { name, status: 'warn', message: `${host}: no cached token to fall back on` }
      : { name, status: 'warn', message: `${host}: the token was not cached (see the warning above)`, fix: 'check the cache directory (doctor line "token cache")' };
  }
  const state = freshness(entry, now);
  if (state === 'fresh') {
    return { name, status: 'ok', message: `${host}: cached token fresh until ${when(entry.expiresAt - refreshMargin(entry), now)}, then refreshed; it expires ${when(entry.expiresAt, now)}` };
  }
  if (state === 'refresh-due') return { name, status: 'warn', message: `${host}: cached token due for refresh; it expires ${when(entry.expiresAt, now)}` };
  return { name, status: 'warn', message: `${host}: cached token expired ${when(entry.expiresAt, now)}; the next pull fetches a new one` };
}

/**
 * `publicOnly`: only ECR Public hosts use this identity, and they are pulled anonymously without it.
 * `tokensWork`: a token was fetched with this identity in this run. Then an STS that cannot be reached, or that a
 * proxy answers instead of AWS, is a warning: pulls work (a private network with ECR endpoints and none for STS).
 */
async function identityCheck(identity: Identity, region: string | undefined, publicOnly: boolean, tokensWork: boolean, deps: ServiceDeps): Promise<{ check: Check; account?: string; partition?: string }> {
  const { callerIdentity, explainCallerIdentityFailure } = await import('../identity/caller-identity');
  const source = describeSource(identity, deps.settings, deps.env);
  const name = identity.role ? `identity:${identity.role.arn}` : 'identity';
  const who = await callerIdentity(identity, region, deps);
  if (who.ok) {
    const expiry = who.expiresAt === undefined ? 'no expiry given (long-term or unstated)' : `credentials expire ${when(who.expiresAt, deps.now())}`;
    const partition = /^arn:([a-z-]+):/.exec(who.arn)?.[1];
    return { check: { name, status: 'ok', message: `AWS identity ${who.arn} (account ${who.account}), from ${source}; ${expiry}` }, account: who.account, ...(partition ? { partition } : {}) };
  }
  const { category, cause, hint } = explainCallerIdentityFailure(who.error, identity);
  const step = who.stage === 'credentials' ? 'no usable credentials' : 'STS GetCallerIdentity failed';
  if (who.stage === 'sts' && tokensWork && ['unreachable', 'timeout', 'not-aws'].includes(category)) {
    return { check: { name, status: 'warn', message: `AWS identity (${source}): ${step}: ${cause}; tokens are fetched all the same, so pulls work (STS is only how doctor names the identity)`, fix: hint } };
  }
  const anonymous = publicOnly ? ' (only ECR Public uses it here, and its images are then pulled anonymously)' : '';
  return { check: { name, status: publicOnly ? 'warn' : 'fail', message: `AWS identity (${source}): ${step}: ${cause}${anonymous}`, fix: hint } };
}

/** The profile's mfa_serial, when its role needs an MFA code (the SDK asks for it through our terminal prompt). */
function mfaSerial(identity: Identity, settings: ServiceDeps['settings']): string | undefined {
  if (identity.source !== 'profile' || identity.role) return undefined;
  const profile = identity.profile ?? settings.awsProfile ?? 'default';
  return readSharedConfig(settings).profiles[profile]?.mfa_serial || undefined;
}

/** The identity line of an MFA profile, from what its token requests found (they asked for the code, or failed to). */
function mfaIdentityCheck(identity: Identity, serial: string, publicOnly: boolean, hosts: readonly string[], tokenResults: readonly Check[], deps: ServiceDeps): Check {
  const name = 'identity';
  const source = describeSource(identity, deps.settings, deps.env);
  const results = tokenResults.filter((c) => hosts.some((h) => c.name === `token:${h}`));
  if (results.some((c) => c.status === 'ok')) {
    return { name, status: 'ok', message: `AWS identity from ${source}, with MFA (mfa_serial ${serial}): a token was had with it, so STS is not asked again (it would need a second code)` };
  }
  const failed = results.find((c) => c.status !== 'ok');
  if (!failed) {
    return { name, status: 'ok', message: `AWS identity from ${source}, with MFA (mfa_serial ${serial}): not checked with STS, which would ask for a code; \`docker-credential-ecr doctor HOST\` checks it with a token request` };
  }
  return {
    name,
    status: publicOnly ? 'warn' : 'fail',
    message: `AWS identity from ${source}, with MFA (mfa_serial ${serial}): ${failed.message.replace(/^[^:]+: /, '')}`,
    ...(failed.fix ? { fix: failed.fix } : {}),
  };
}

function parseArgs(argv: readonly string[]): { hosts: string[]; json: boolean; help: boolean; kubelet?: string; binDir?: string } | string {
  const result: { hosts: string[]; json: boolean; help: boolean; kubelet?: string; binDir?: string } = { hosts: [], json: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--kubelet' || arg === '--bin-dir') {
      const value = argv[++i];
      if (value === undefined) return `${arg} needs a value`;
      if (arg === '--kubelet') result.kubelet = value;
      else result.binDir = value;
    } else if (arg === '--json') result.json = true;
    else if (arg === '--help' || arg === '-h') result.help = true;
    else if (arg.startsWith('-')) return `unknown option ${printable(arg)}`;
    else result.hosts.push(arg);
  }
  if (result.binDir !== undefined && result.kubelet === undefined) return '--bin-dir goes with --kubelet FILE';
  if (result.kubelet !== undefined && result.hosts.length > 0) return '--kubelet checks the kubelet config only; check hosts in a separate run';
  return result;
}

export async function runDoctor(argv: readonly string[], io: CommandIo): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    io.stderr.write(`docker-credential-ecr: doctor: ${args}; see \`docker-credential-ecr doctor --help\`\n`);
    return 1;
  }
  if (args.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const deps: ServiceDeps = { settings: io.settings, env: io.env, log: onceOnly(io.log), now: io.now, sleep: io.sleep };
  const setup = readSetupSettings(io.env, io.settings);
  const checks = args.kubelet !== undefined ? kubeletChecks(args.kubelet, args.binDir, io.settings, configuredRegion(io.settings, setup)) : await runChecks(args.hosts, deps, setup);
  const ok = checks.every((c) => c.status !== 'fail');
  if (args.json) {
    io.stdout.write(`${JSON.stringify({ ok, checks }, null, 2)}\n`);
  } else {
    for (const c of checks) io.stdout.write(`${c.status.padEnd(4)}  ${printable(c.message)}${c.fix ? `; fix: ${printable(c.fix)}` : ''}\n`);
    const count = (status: CheckStatus): number => checks.filter((c) => c.status === status).length;
    io.stdout.write(`${count('ok')} ok, ${count('warn')} warning${count('warn') === 1 ? '' : 's'}, ${count('fail')} failed\n`);
  }
  return ok ? 0 : 1;
}

async function runChecks(requested: readonly string[], deps: ServiceDeps, setup: SetupSettings): Promise<Check[]> {
  const { settings } = deps;
  const checks: Check[] = [];

  const self = selfExecutable();
  checks.push({ name: 'version', status: 'ok', message: `docker-credential-ecr ${version}${self ? ` at ${self}` : ` (running under Node.js ${process.version}, not the built executable)`}` });
  const onPath = pathStatus(setup.path, self);
  if (onPath.state === 'found') checks.push({ name: 'path', status: 'ok', message: `on PATH: ${onPath.where}` });
  else if (onPath.state === 'other') {
    checks.push({ name: 'path', status: 'warn', message: `PATH has ${onPath.where}, which is not this executable (${onPath.self}); Docker runs that one`, fix: linkCommand(self, true) });
  } else {
    checks.push({ name: 'path', status: 'fail', message: `${EXECUTABLE_NAME} is not on PATH, so Docker cannot run it ("executable file not found in $PATH")`, fix: linkCommand(self) });
  }

  let docker: DockerState | undefined;
  if (!setup.dockerConfigFile) {
    checks.push({ name: 'docker-config', status: 'fail', message: 'no Docker config location: neither DOCKER_CONFIG nor HOME is set', fix: 'set HOME (or DOCKER_CONFIG)' });
  } else {
    try {
      const file = readConfigFile(setup.dockerConfigFile);
      const link = file.target !== file.path ? ` (a link to ${file.target})` : '';
      if (file.text === undefined) {
        checks.push({ name: 'docker-config', status: 'warn', message: `no Docker config at ${setup.dockerConfigFile} (${setup.dockerConfigSource})`, fix: 'docker-credential-ecr configure' });
      } else {
        docker = { path: file.path, view: parseDockerConfig(file.text, file.path) };
        checks.push({ name: 'docker-config', status: 'ok', message: `Docker config ${file.path}${link} (${setup.dockerConfigSource})` });
      }
    } catch (error) {
      if (!(error instanceof DockerConfigError)) throw error;
      checks.push({
        name: 'docker-config',
        status: 'fail',
        message: `${error.message} (Docker cannot read it either)`,
        fix: error.fix ?? `correct what the message names, or move the file away and run \`docker-credential-ecr configure\``,
      });
    }
  }

  let helperConfig: RegistryConfig | undefined;
  let helperConfigBroken = false;
  try {
    helperConfig = loadRegistryConfig(settings);
    checks.push({
      name: 'helper-config',
      status: 'ok',
      message: helperConfig
        ? `helper config ${helperConfig.file}: ${helperConfig.rules.length} registry entr${helperConfig.rules.length === 1 ? 'y' : 'ies'}`
        : `no helper config${settings.helperConfigFile ? ` at ${settings.helperConfigFile}` : ''}: built-in routing, default AWS identity`,
    });
  } catch (error) {
    if (!(error instanceof HelperError)) throw error;
    helperConfigBroken = true;
    checks.push({ name: 'helper-config', status: 'fail', message: error.message, fix: `edit ${settings.helperConfigFile ?? 'the helper config file'} at the line the message names, as it says (README "Per-registry identity and custom host names" shows every field)` });
  }
  const served = (host: string): boolean => registryForHost(host) !== undefined || matchRule(helperConfig, host)?.target !== undefined;

  // The hosts to check: those asked for, else every ECR host the Docker config names.
  const hosts: string[] = [];
  for (const input of requested) {
    let host: string;
    try {
      host = parseServerUrl(input).host;
    } catch {
      checks.push({ name: `route:${printableAscii(input)}`, status: 'fail', message: `${printableAscii(input)} is not a registry host` });
      continue;
    }
    if (!served(host)) {
      checks.push({ name: `route:${host}`, status: 'fail', message: `${host} is not a registry this helper serves`, fix: hintForUnservedHost(host) ?? 'name an ECR host (<account>.dkr.ecr.<region>.amazonaws.com, public.ecr.aws) or map it in the helper config' });
    } else if (!hosts.includes(host)) hosts.push(host);
  }
  if (docker) {
    const found = hostsInDockerConfig(docker.view, served);
    for (const stray of found.strays) {
      checks.push({ name: `route:${printableAscii(stray)}`, status: 'warn', message: `credHelpers sends ${printableAscii(stray)} to this helper, but it is not an ECR host; Docker gets "credentials not found" for it`, fix: `remove it from ${docker.path}, or map it to a registry in the helper config` });
    }
    if (requested.length === 0) hosts.push(...found.hosts);
  }
  if (docker?.view.credsStore === HELPER_NAME) {
    checks.push(...(await credsStoreChecks(settings, deps.env)));
  } else if (docker?.view.credsStore) {
    const store = printable(docker.view.credsStore);
    const unrouted = hosts.filter((h) => docker!.view.credHelpers[h] === undefined);
    checks.push(
      hosts.length === 0
        ? { name: 'creds-store', status: 'warn', message: `credsStore "${store}" answers for every registry not in credHelpers, ECR ones included`, fix: 'docker-credential-ecr configure' }
        : unrouted.length > 0
        ? {
            name: 'creds-store',
            status: 'warn',
            message: `credsStore "${store}" answers for ECR hosts not in credHelpers: ${unrouted.join(', ')}`,
            fix: `docker-credential-ecr configure ${unrouted.map((h) => `--registry ${h}`).join(' ')}`,
          }
        : { name: 'creds-store', status: 'ok', message: `credsStore "${store}" serves other registries; credHelpers take precedence for the ECR hosts` },
    );
  }
  if (hosts.length === 0 && requested.length === 0 && docker?.view.credsStore !== HELPER_NAME) {
    checks.push({ name: 'registries', status: 'fail', message: `no ECR registry in ${docker ? docker.path : 'the Docker config'} goes to this helper`, fix: 'docker-credential-ecr configure' });
  }

  // Routes, resolved as `get` resolves them (helper config entry, identity).
  const routes = new Map<string, Route>();
  for (const host of hosts) {
    checks.push(...routeChecks(host, docker, deps.now(), setup.path));
    const shadow = containersLoginShadows(host, setup);
    if (shadow) checks.push(shadow);
    if (helperConfigBroken) continue;
    try {
      const route = routeServerUrl(host, settings);
      routes.set(host, route);
      // A region name that fits the partition's pattern is served (a region newer than our SDK), but a typo is likelier.
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
    } catch (error) {
      if (!(error instanceof HelperError)) throw error;
      checks.push({ name: `helper-config:${host}`, status: 'fail', message: error.message, fix: `fix ${settings.helperConfigFile ?? 'the helper config'}` });
    }
  }

  // Each distinct identity once: the default one, or those the hosts resolve to.
  const identities = new Map<string, { identity: Identity; region: string | undefined; publicOnly: boolean }>();
  const fallbackRegion = configuredRegion(settings, setup)?.region;
  for (const route of routes.values()) {
    const identity = resolve(route, settings).identity;
    const isPrivate = route.registry.kind === 'ecr';
    const known = identities.get(identity.keyMaterial);
    if (!known) identities.set(identity.keyMaterial, { identity, region: isPrivate ? route.registry.region : fallbackRegion, publicOnly: !isPrivate });
    else if (isPrivate && known.publicOnly) identities.set(identity.keyMaterial, { identity, region: route.registry.region, publicOnly: false });
  }
  if (identities.size === 0) {
    const identity = selectIdentity(settings);
    identities.set(identity.keyMaterial, { identity, region: fallbackRegion, publicOnly: false });
  }
  // Tokens first (shown after the identities): whether they came tells an STS problem from a pull problem.
  const tokenResults: Check[] = [];
  const tokensWork = new Set<string>();
  for (const [host, route] of routes) {
    const results = await tokenChecks(host, route, deps);
    tokenResults.push(...results);
    if (results.some((c) => c.name === `token:${host}` && c.status === 'ok')) tokensWork.add(resolve(route, settings).identity.keyMaterial);
  }
  const defaultIdentity = selectIdentity(settings);
  let own: { account: string; partition?: string } | undefined;
  for (const { identity, region, publicOnly } of identities.values()) {
    const serial = mfaSerial(identity, settings);
    if (serial) {
      // A second SDK client would ask for a second MFA code: the token request above asked (once), like `get`.
      const hostsOf = [...routes].filter(([, route]) => resolve(route, settings).identity.keyMaterial === identity.keyMaterial).map(([host]) => host);
      checks.push(mfaIdentityCheck(identity, serial, publicOnly, hostsOf, tokenResults, deps));
      const named = identity.keyMaterial === defaultIdentity.keyMaterial ? profileAccount(settings, identity.profile) : undefined;
      if (named) own = { account: named.account, ...(named.partition ? { partition: named.partition } : {}) };
      continue;
    }
    const result = await identityCheck(identity, region, publicOnly, tokensWork.has(identity.keyMaterial), deps);
    checks.push(result.check);
    if (result.account && identity.keyMaterial === defaultIdentity.keyMaterial) own = { account: result.account, ...(result.partition ? { partition: result.partition } : {}) };
  }
  // "no basic auth credentials": the identity's own registry not routed here, so Docker pulls it anonymously.
  if (own && requested.length === 0 && docker) {
    // A custom host name from the helper config stands for the registry it targets.
    const registryOf = (host: string): Registry | undefined => routes.get(host)?.registry ?? registryForHost(host);
    const ownCheck = ownRegistryCheck(own, hosts, docker, configuredRegion(settings, setup), registryOf);
    if (ownCheck) checks.push(ownCheck);
  }

  const store = openStore(deps);
  checks.push(
    settings.cacheDir === undefined
      ? { name: 'cache', status: 'ok', message: `token cache off (${settings.cacheDirSource})` }
      : store
        ? { name: 'cache', status: 'ok', message: `token cache ${settings.cacheDir} (${settings.cacheDirSource})` }
        : { name: 'cache', status: 'warn', message: `token cache ${settings.cacheDir} is not usable (see the warning above); every pull asks AWS`, fix: `${hostOs.makePrivateCommand(settings.cacheDir)}, or set AWS_ECR_CACHE_DIR` },
  );

  checks.push(...tokenResults);
  // A stored login that Docker falls back to is what the user sees right now when this helper just failed.
  for (const check of checks) {
    const host = check.name.startsWith('stored-login:') ? check.name.slice('stored-login:'.length) : undefined;
    if (host && check.status === 'warn' && docker?.view.credHelpers[host] === HELPER_NAME && tokenResults.some((t) => t.name === `token:${host}` && t.status === 'fail')) {
      check.status = 'fail';
      check.message += '; the helper failed just now (below), so this is the error your pulls show';
    }
  }
  return checks;
}

/** Whether the identity's own account has a registry that Docker sends to this helper (or another ECR helper). */
function ownRegistryCheck(
  own: { account: string; partition?: string },
  hosts: readonly string[],
  docker: DockerState,
  region: { region: string; source: string } | undefined,
  registryOf: (host: string) => Registry | undefined,
): Check | undefined {
  const name = 'own-registry';
  const partition = (own.partition ?? 'aws') as Partition;
  const expected = region ? `${own.account}.dkr.ecr.${region.region}.${registryDomain(partition)}` : undefined;
  // credsStore "ecr" sends every host without a credHelpers entry here (configure --all-registries).
  const viaStore = docker.view.credsStore === HELPER_NAME;
  const routed = (host: string): boolean => docker.view.credHelpers[host] !== undefined || viaStore;
  const ownHosts = hosts.filter((host) => {
    const registry = registryOf(host);
    return registry?.kind === 'ecr' && registry.account === own.account && routed(host);
  });
  const standsFor = expected ? ownHosts.find((host) => host !== expected && registryOf(host)?.host === expected) : undefined;
  if (standsFor) return { name, status: 'ok', message: `your account's registry ${expected} is reached as ${standsFor} (helper config), which is in credHelpers` };
  // Named in the Docker config but not routed: its route line above already fails, with this same fix.
  if (expected && !routed(expected) && hosts.includes(expected)) return undefined;
  // The credsStore line already says every ECR registry comes here (doctor-creds-store.ts): one verdict.
  if (viaStore && (!expected || docker.view.credHelpers[expected] === undefined)) return undefined;
  if (expected && routed(expected)) return { name, status: 'ok', message: `your account's registry ${expected} (region ${region!.region} from ${region!.source}) is in credHelpers` };
  if (!expected && ownHosts.length > 0) return { name, status: 'ok', message: `your account ${own.account} has registries in credHelpers: ${ownHosts.join(', ')}` };
  const host = expected ?? `${own.account}.dkr.ecr.<region>.${registryDomain(partition)}`;
  const others = ownHosts.length > 0 ? ` (credHelpers has it in other regions: ${ownHosts.join(', ')})` : '';
  return {
    name,
    status: 'warn',
    message:
      `your account ${own.account}'s registry ${host} is not in credHelpers of ${printable(docker.path)}${others}, so Docker does not ask this helper for it and ` +
      `\`docker pull ${host}/<repo>\` fails with "no basic auth credentials"`,
    fix: expected ? configureFix(expected) : `${configureFix(host)} (with your registry's region)`,
  };
}
