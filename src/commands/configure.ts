// `docker-credential-ecr configure`: routes ECR hosts to this helper through `credHelpers` in the Docker config
// (and, with --containers, in the auth file of podman, skopeo and buildah). Output is for people; the protocol
// actions are elsewhere. It never prints a secret: diffs of the file pass through a mask.
import { readSetupSettings } from '../platform/setup-settings';
import { REGION_NAME } from '../identity/region';
import { ownRegistry, regionSuggestion } from './own-registry-host';
import { assertWritable, WriteError, writeFileAtomically } from '../platform/atomic-write';
import {
  DockerConfigError,
  HELPER_NAME,
  parseDockerConfig,
  readConfigFile,
  type ConfigFile,
} from '../docker/config-file';
import { planHelperEntries, type HelperPlan } from '../docker/config-edit';
import { otherEcrHelperEntries, readExisting } from './ecr-helpers';
import { CredentialsNotFoundError, HelperError } from '../platform/errors';
import { EXECUTABLE_NAME, linkCommand, pathStatus } from '../platform/executable-path';
import { selfExecutable } from '../platform/runtime';
import { hintForUnservedHost } from '../registry/hints';
import { printable, printableAscii } from '../platform/log';
import { routeServerUrl } from '../registry/routing';
import { unifiedDiff } from '../platform/text-diff';
import type { CommandIo } from './command-io';
import { ALL_REGISTRIES_FLAGS, runAllRegistries } from './all-registries';
import { commandHelp } from './help';

export const PUBLIC_HOSTS = ['public.ecr.aws', 'ecr-public.aws.com'] as const;

const USAGE = commandHelp('configure')!.text;

interface Options {
  registries: string[];
  publicOnly: boolean;
  dryRun: boolean;
  containers: boolean;
  help: boolean;
  keepOtherHelpers: boolean;
  region?: string;
}

function parseArgs(argv: readonly string[]): Options | string {
  const options: Options = {
    registries: [],
    publicOnly: false,
    dryRun: false,
    containers: false,
    help: false,
    keepOtherHelpers: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--registry') {
      const value = argv[++i];
      if (value === undefined || value.startsWith('-')) return `${arg} needs a registry host`;
      options.registries.push(value);
    } else if (arg.startsWith('--registry=')) {
      options.registries.push(arg.slice('--registry='.length));
    } else if (arg === '--region' || arg.startsWith('--region=')) {
      const value = arg === '--region' ? argv[++i] : arg.slice('--region='.length);
      if (value === undefined || value.startsWith('-')) return `${arg} needs a region (us-east-1, eu-west-1, ...)`;
      if (!REGION_NAME.test(value))
        return `--region ${printable(value)} is not an AWS region name${regionSuggestion(value)}`;
      options.region = value;
    } else if (arg === '--public') options.publicOnly = true;
    else if (arg === '--dry-run') options.dryRun = true;
    else if (arg === '--containers') options.containers = true;
    else if (arg === '--keep-other-helpers') options.keepOtherHelpers = true;
    else if (arg === '--help' || arg === '-h') options.help = true;
    else return `unknown option ${printable(arg)}`;
  }
  return options;
}

/** The credHelpers key for a --registry value, checked with the rules `get` uses; or why it is refused. */
function validateRegistry(input: string, deps: CommandIo): { key: string } | { refused: string } {
  try {
    const route = routeServerUrl(input, deps.settings);
    if (route.url.scheme === 'http') return { refused: `${printableAscii(input)}: plain http would expose the token` };
    return { key: route.url.port === undefined ? route.url.host : `${route.url.host}:${route.url.port}` };
  } catch (error) {
    if (error instanceof CredentialsNotFoundError) {
      const hint = hintForUnservedHost(input);
      const configured = deps.settings.helperConfigFile ? ` or a host mapped in ${deps.settings.helperConfigFile}` : '';
      return {
        refused: hint
          ? `${printableAscii(input)}: ${hint}`
          : `${printableAscii(input)}: not a registry this helper serves (${printable(error.reason)}); expected <account>.dkr.ecr.<region>.amazonaws.com, public.ecr.aws, ecr-public.aws.com${configured}`,
      };
    }
    if (error instanceof HelperError) return { refused: error.message };
    throw error;
  }
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
  return {
    label,
    file,
    plan: planHelperEntries(file.text, path, hosts),
    ...(view.credsStore ? { credsStore: view.credsStore } : {}),
  };
}

export async function runConfigure(argv: readonly string[], deps: CommandIo): Promise<number> {
  if (argv.some((arg) => (ALL_REGISTRIES_FLAGS as readonly string[]).includes(arg)))
    return runAllRegistries(argv, deps);
  const say = (line = ''): void => {
    deps.stdout.write(`${line}\n`);
  };
  const complain = (line: string): void => {
    deps.stderr.write(`docker-credential-ecr: ${line}\n`);
  };
  const options = parseArgs(argv);
  if (typeof options === 'string') {
    complain(`configure: ${options}; see \`docker-credential-ecr configure --help\``);
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
  const existing = readExisting(setup.dockerConfigFile);
  if (!options.publicOnly && options.registries.length === 0) {
    const own = await ownRegistry(deps, setup, options.region, existing, say);
    if (own && !hosts.includes(own)) hosts.push(own);
  }
  // ECR hosts another ECR helper (the Go helper) answers for move over in the same change: one helper for ECR.
  if (!options.publicOnly && existing) {
    for (const { key, helper } of otherEcrHelperEntries(existing.view, setup.path)) {
      if (hosts.includes(key)) continue;
      if (options.keepOtherHelpers)
        say(
          `Kept: ${printable(key)} goes to docker-credential-${printable(helper)} (--keep-other-helpers); \`docker-credential-ecr doctor\` checks what it answers.`,
        );
      else hosts.push(key);
    }
  }

  let targets: Target[];
  try {
    targets = [plan('Docker config', setup.dockerConfigFile, hosts)];
    if (options.containers)
      targets.push(plan(`containers auth file (${setup.containersAuthSource})`, setup.containersAuthFile!, hosts));
  } catch (error) {
    if (!(error instanceof DockerConfigError)) throw error;
    complain(
      `${printable(error.message)}; ${error.fix ? printable(error.fix) : 'correct it or move the file away'}, then run configure again; nothing was changed`,
    );
    return 1;
  }

  try {
    // Every file is checked before any is written, so a refusal never leaves half of the change behind.
    if (!options.dryRun)
      for (const t of targets)
        if (t.plan.changes.length > 0 || t.plan.removedLogins.length > 0)
          assertWritable(t.file.target, t.file.text !== undefined);
    for (const t of targets) {
      const shown = printable(t.file.path);
      const via =
        t.file.target !== t.file.path && t.file.text !== undefined ? ` (a link to ${printable(t.file.target)})` : '';
      if (t.plan.changes.length === 0 && t.plan.removedLogins.length === 0) {
        say(
          `${t.label} ${shown}${via}: already configured; ${hosts.join(', ')} go to docker-credential-ecr. Nothing to change.`,
        );
        continue;
      }
      say(`${t.label} ${shown}${via}:`);
      deps.stdout.write(unifiedDiff(t.file.path, t.file.text, t.plan.text));
      for (const change of t.plan.changes) {
        if (change.before !== undefined)
          say(
            `${change.host} went to docker-credential-${printable(change.before)} before; it ${options.dryRun ? 'would go' : 'now goes'} to docker-credential-${HELPER_NAME}.`,
          );
      }
      for (const key of t.plan.removedLogins) {
        say(
          `${options.dryRun ? 'Would remove' : 'Removed'} the login stored in "auths" for ${printable(key)}: Docker sent that token whenever the helper failed, ` +
            'and an old one fails the pull with "Your authorization token has expired".',
        );
      }
      if (options.dryRun) {
        say(`Dry run: ${shown} was not written.`);
      } else {
        writeFileAtomically(
          t.file.target,
          t.plan.text,
          t.file.text === undefined ? {} : { mode: t.file.mode!, uid: t.file.uid!, gid: t.file.gid! },
        );
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
    say(
      'Note: $XDG_RUNTIME_DIR is emptied at logout or reboot; set REGISTRY_AUTH_FILE to a lasting file to keep this.',
    );
  }
  const self = selfExecutable();
  const onPath = pathStatus(setup.path, self);
  if (onPath.state === 'missing') {
    say(`Warning: ${EXECUTABLE_NAME} is not on PATH, so Docker cannot run it; fix: ${linkCommand(self)}`);
  } else if (onPath.state === 'other') {
    say(
      `Warning: Docker will run ${printable(onPath.where)}, not this executable (${printable(onPath.self)}); fix: ${linkCommand(self, true)}`,
    );
  }
  return 0;
}
