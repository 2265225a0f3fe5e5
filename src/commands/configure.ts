// `docker-credential-ecr configure`: routes ECR hosts to this helper through `credHelpers` in the Docker config
// (and, with --containers, in the auth file of podman, skopeo and buildah). Output is for people; the protocol
// actions are elsewhere. It never prints a secret: diffs of the file pass through a mask.
import { readSetupSettings, type SetupSettings } from '../platform/settings';
import { configuredRegion } from '../identity/region';
import { assertWritable, WriteError, writeFileAtomically } from '../platform/atomic-write';
import { DockerConfigError, HELPER_NAME, parseDockerConfig, planHelperEntries, readConfigFile, type ConfigFile, type HelperPlan } from '../docker/config-file';
import { CredentialsNotFoundError, HelperError } from '../platform/errors';
import { EXECUTABLE_NAME, linkCommand, pathStatus } from '../platform/executable-path';
import { selfExecutable } from '../platform/runtime';
import { hintForUnservedHost } from '../registry/hints';
import { selectIdentity } from '../identity/identity';
import { printable } from '../platform/log';
import { registryDomain, registryForHost, type Partition } from '../registry/host';
import { routeServerUrl } from '../registry/routing';
import { unifiedDiff } from '../platform/text-diff';
import type { CommandIo } from './command-io';
import { ALL_REGISTRIES_FLAGS, runAllRegistries } from './all-registries';

export const PUBLIC_HOSTS = ['public.ecr.aws', 'ecr-public.aws.com'] as const;

const USAGE = `Usage: docker-credential-ecr configure [--registry HOST]... [--public] [--containers] [--dry-run]

Adds "credHelpers": {"HOST": "ecr"} entries to the Docker config ($DOCKER_CONFIG/config.json, else
~/.docker/config.json), so that Docker asks docker-credential-ecr for those registries.

  --registry HOST  a registry to add (repeatable): <account>.dkr.ecr.<region>.amazonaws.com, public.ecr.aws,
                   ecr-public.aws.com, or a host mapped in the helper's config file
  --public         add only public.ecr.aws and ecr-public.aws.com
                   (default without --registry: those two and your own account's registry in your region)
  --containers     also configure podman, skopeo and buildah ($REGISTRY_AUTH_FILE, else
                   $XDG_RUNTIME_DIR/containers/auth.json)
  --dry-run        print the change, write nothing

  --all-registries       instead: "credsStore": "ecr", for every ECR registry in every account and region; the
                         store it replaces keeps every other registry (Docker Hub, ghcr.io)
  --undo-all-registries  put the previous credsStore back
`;

interface Options {
  registries: string[];
  publicOnly: boolean;
  dryRun: boolean;
  containers: boolean;
  help: boolean;
}

function parseArgs(argv: readonly string[]): Options | string {
  const options: Options = { registries: [], publicOnly: false, dryRun: false, containers: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--registry') {
      const value = argv[++i];
      if (value === undefined || value.startsWith('-')) return `${arg} needs a registry host`;
      options.registries.push(value);
    } else if (arg.startsWith('--registry=')) {
      options.registries.push(arg.slice('--registry='.length));
    } else if (arg === '--public') options.publicOnly = true;
    else if (arg === '--dry-run') options.dryRun = true;
    else if (arg === '--containers') options.containers = true;
    else if (arg === '--help' || arg === '-h') options.help = true;
    else return `unknown argument ${printable(arg)}`;
  }
  return options;
}

/** The credHelpers key for a --registry value, checked with the rules `get` uses; or why it is refused. */
function validateRegistry(input: string, deps: CommandIo): { key: string } | { refused: string } {
  try {
    const route = routeServerUrl(input, deps.settings);
    if (route.url.scheme === 'http') return { refused: `${printable(input)}: plain http would expose the token` };
    return { key: route.url.port === undefined ? route.url.host : `${route.url.host}:${route.url.port}` };
  } catch (error) {
    if (error instanceof CredentialsNotFoundError) {
      const hint = hintForUnservedHost(input);
      const configured = deps.settings.helperConfigFile ? ` or a host mapped in ${deps.settings.helperConfigFile}` : '';
      return {
        refused: hint
          ? `${printable(input)}: ${hint}`
          : `${printable(input)}: not a registry this helper serves (${printable(error.reason)}); expected <account>.dkr.ecr.<region>.amazonaws.com, public.ecr.aws, ecr-public.aws.com${configured}`,
      };
    }
    if (error instanceof HelperError) return { refused: error.message };
    throw error;
  }
}

/** The caller's own private registry host, or a note on why it cannot be named and how to add it by hand. */
async function ownRegistry(deps: CommandIo, setup: SetupSettings, say: (line: string) => void): Promise<string | undefined> {
  const identity = selectIdentity(deps.settings);
  const found = configuredRegion(deps.settings, setup);
  const { callerIdentity, explainCallerIdentityFailure } = await import('../identity/caller-identity');
  const who = await callerIdentity(identity, found?.region, deps);
  const addByHand = (account: string, region: string): string =>
    `add your private registry with \`docker-credential-ecr configure --registry ${account}.dkr.ecr.${region}.amazonaws.com\``;
  if (!who.ok) {
    const { cause, hint } = explainCallerIdentityFailure(who.error, identity);
    say(`Could not find your AWS account (STS GetCallerIdentity as ${identity.label}): ${cause}; ${hint}.`);
    say(`Adding only the public registries; ${addByHand('<account>', found?.region ?? '<region>')}.`);
    return undefined;
  }
  if (!found) {
    say(`Your AWS identity is ${who.arn} (account ${who.account}), but no AWS region is configured (AWS_REGION, or region in your AWS profile).`);
    say(`Adding only the public registries; ${addByHand(who.account, '<region>')}.`);
    return undefined;
  }
  const partition = /^arn:([a-z-]+):/.exec(who.arn)?.[1] as Partition | undefined;
  const domain = registryDomain(partition ?? 'aws');
  const host = `${who.account}.dkr.ecr.${found.region}.${domain}`;
  if (!registryForHost(host)) {
    say(`Region ${found.region} (from ${found.source}) is not one your identity's partition (${partition ?? 'unknown'}) serves ECR in.`);
    say(`Adding only the public registries; ${addByHand(who.account, '<region>')}.`);
    return undefined;
  }
  say(`Your AWS identity is ${who.arn}: adding your registry ${host} (region ${found.region} from ${found.source}).`);
  return host;
}

interface Target {
  label: string;
  file: ConfigFile;
  plan: HelperPlan;
  credsStore?: string;
}

function plan(label: string, path: string, hosts: readonly string[]): Target {
  const file = readConfigFile(path);
  const view = parseDockerConfig(file.text, path);
  return { label, file, plan: planHelperEntries(file.text, path, hosts), ...(view.credsStore ? { credsStore: view.credsStore } : {}) };
}

export async function runConfigure(argv: readonly string[], deps: CommandIo): Promise<number> {
  if (argv.some((arg) => (ALL_REGISTRIES_FLAGS as readonly string[]).includes(arg))) return runAllRegistries(argv, deps);
  const say = (line = ''): void => {
    deps.stdout.write(`${line}\n`);
  };
  const complain = (line: string): void => {
    deps.stderr.write(`docker-credential-ecr: ${line}\n`);
  };
  const options = parseArgs(argv);
  if (typeof options === 'string') {
    complain(`configure: ${options}`);
    deps.stderr.write(USAGE);
    return 1;
  }
  if (options.help) {
    deps.stdout.write(USAGE);
    return 0;
  }
  const setup = readSetupSettings(deps.env, deps.settings);
  if (!setup.dockerConfigFile) {
    complain('cannot find the Docker config: neither DOCKER_CONFIG nor HOME is set');
    return 1;
  }
  if (options.containers && !setup.containersAuthFile) {
    complain('cannot find the containers auth file: set REGISTRY_AUTH_FILE (or XDG_RUNTIME_DIR, or HOME)');
    return 1;
  }

  const hosts: string[] = [];
  const refused: string[] = [];
  for (const input of options.registries) {
    const result = validateRegistry(input, deps);
    if ('refused' in result) refused.push(result.refused);
    else if (!hosts.includes(result.key)) hosts.push(result.key);
  }
  if (refused.length > 0) {
    for (const reason of refused) complain(`--registry ${reason}`);
    complain('nothing was changed');
    return 1;
  }
  if (options.publicOnly || options.registries.length === 0) {
    for (const host of PUBLIC_HOSTS) if (!hosts.includes(host)) hosts.push(host);
  }
  if (!options.publicOnly && options.registries.length === 0) {
    const own = await ownRegistry(deps, setup, say);
    if (own && !hosts.includes(own)) hosts.push(own);
  }

  let targets: Target[];
  try {
    targets = [plan('Docker config', setup.dockerConfigFile, hosts)];
    if (options.containers) targets.push(plan(`containers auth file (${setup.containersAuthSource})`, setup.containersAuthFile!, hosts));
  } catch (error) {
    if (!(error instanceof DockerConfigError)) throw error;
    complain(`${printable(error.message)}; fix or move the file, then run configure again; nothing was changed`);
    return 1;
  }

  try {
    // Every file is checked before any is written, so a refusal never leaves half of the change behind.
    if (!options.dryRun) for (const t of targets) if (t.plan.changes.length > 0) assertWritable(t.file.target, t.file.text !== undefined);
    for (const t of targets) {
      const shown = printable(t.file.path);
      const via = t.file.target !== t.file.path && t.file.text !== undefined ? ` (a link to ${printable(t.file.target)})` : '';
      if (t.plan.changes.length === 0) {
        say(`${t.label} ${shown}${via}: already configured; ${hosts.join(', ')} go to docker-credential-ecr. Nothing to change.`);
        continue;
      }
      say(`${t.label} ${shown}${via}:`);
      deps.stdout.write(unifiedDiff(t.file.path, t.file.text, t.plan.text));
      for (const change of t.plan.changes) {
        if (change.before !== undefined) say(`${change.host} went to docker-credential-${printable(change.before)} before; it now goes to docker-credential-${HELPER_NAME}.`);
      }
      if (options.dryRun) {
        say(`Dry run: ${shown} was not written.`);
      } else {
        writeFileAtomically(t.file.target, t.plan.text, t.file.text === undefined ? {} : { mode: t.file.mode!, uid: t.file.uid!, gid: t.file.gid! });
        say(`Wrote ${shown}${via}.`);
      }
    }
  } catch (error) {
    if (!(error instanceof WriteError)) throw error;
    complain(printable(error.message));
    return 1;
  }

  for (const t of targets) {
    if (t.credsStore) {
      say(
        `Note: ${printable(t.file.path)} keeps "credsStore": "${printable(t.credsStore)}" for other registries; ` +
          `credHelpers take precedence for ${hosts.join(', ')}.`,
      );
    }
  }
  if (options.containers && setup.containersAuthSource === 'XDG_RUNTIME_DIR') {
    say('Note: $XDG_RUNTIME_DIR is emptied at logout or reboot; set REGISTRY_AUTH_FILE to a lasting file to keep this.');
  }
  const self = selfExecutable();
  const onPath = pathStatus(setup.path, self);
  if (onPath.state === 'missing') {
    say(`Warning: ${EXECUTABLE_NAME} is not on PATH, so Docker cannot run it; fix: ${linkCommand(self)}`);
  } else if (onPath.state === 'other') {
    say(`Warning: Docker will run ${printable(onPath.where)}, not this executable (${printable(onPath.self)}); fix: ${linkCommand(self, true)}`);
  }
  return 0;
}
