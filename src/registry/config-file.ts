// The helper's own config file: a profile or role per registry, and custom host names that stand for an ECR
// registry. Read on every `get` (it is small); an absent file means built-in behaviour. Every mistake is an
// error naming the file, the key and the line, never a silent fall-back to another identity.
import { isAbsolute } from 'node:path';
import { readRegularText } from '../platform/read-file';
import { ConfigError } from '../platform/errors';
import type { IdentityChoice } from '../identity/identity';
import { registryForHost, type Registry } from './host';
import { publicRegistryNamed } from './public-registries';
import { isPattern, matchesPattern, moreSpecific } from './host-pattern';

export interface RegistryRule {
  /** The key as written: a host, or a pattern whose `*` stands for exactly one DNS label. */
  pattern: string;
  line: number;
  choice: IdentityChoice;
  /** The ECR registry a custom host name stands for. */
  target?: Registry;
}

export interface RegistryConfig {
  file: string;
  rules: RegistryRule[];
  /**
   * `"credsStore": "<name>"`: the store helper (docker-credential-<name>) that registries this helper does not
   * serve are handed to when Docker's own credsStore is "ecr" (src/docker/creds-store.ts).
   */
  credsStore?: string;
}

const ENTRY_KEYS = new Set(['profile', 'roleArn', 'externalId', 'sessionName', 'target']);
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
// Values a `*` may stand for when we check that a target-less pattern can match an ECR host at all.
const WILDCARD_SAMPLES = [
  '123456789012',
  'dkr',
  'ecr',
  'ecr-fips',
  'dkr-ecr',
  'dkr-ecr-fips',
  'us-east-1',
  'us-gov-west-1',
  'cn-north-1',
  'public',
  'ecr-public',
  'aws',
  'com',
  'cn',
];

/** The line of `"key"` when it appears as an object key; 0 when it cannot be found. */
function lineOfKey(text: string, key: string, from = 0): number {
  const at = text.indexOf(JSON.stringify(key), from);
  return at === -1 ? 0 : text.slice(0, at).split('\n').length;
}

/**
 * Whether a custom-host pattern with a target is narrow enough to be someone's own domain: at least two fixed
 * labels after its last `*` (`*.registry.example.com`, `*.example.com`), never `*.*`, `*.io` or `registry.*`.
 * `get` and `kubelet-config` both refuse the file otherwise: in the kubelet's matchImages such a pattern would let
 * any pod author make the node send its token to a host of their choosing.
 */
function narrowEnough(pattern: string): boolean {
  const labels = pattern.split('.');
  return labels.length - 1 - labels.lastIndexOf('*') >= 2;
}

function canMatchEcrHost(pattern: string): boolean {
  const stars = pattern.split('.').filter((l) => l === '*').length;
  if (stars > 3) return false;
  const fill = (labels: string[]): boolean => {
    const i = labels.indexOf('*');
    if (i === -1) return registryForHost(labels.join('.')) !== undefined;
    return WILDCARD_SAMPLES.some((sample) => fill([...labels.slice(0, i), sample, ...labels.slice(i + 1)]));
  };
  return fill(pattern.split('.'));
}

/**
 * What is wrong with a value for "credsStore" (the store behind us), or undefined when it names a helper: the
 * names Docker accepts after "docker-credential-", with no path and no spaces; "ecr" would call itself. Checked
 * before `configure --all-registries` writes a value too, so a broken one never reaches the file `get` reads.
 */
export function storeNameProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^[A-Za-z0-9][\w.-]{0,63}$/.test(value))
    return '"credsStore" must name a credential helper, like "pass" for docker-credential-pass';
  if (value.startsWith('docker-credential-'))
    return `"credsStore" takes the name after "docker-credential-": write "${value.slice('docker-credential-'.length)}", as in Docker's config.json`;
  if (value === 'ecr')
    return '"credsStore" names the store for registries this helper does not serve; "ecr" is this helper itself';
  return undefined;
}

export function parseRegistryConfig(text: string, file: string): RegistryConfig {
  const fail = (line: number, what: string): never => {
    throw new ConfigError(`${file}${line ? `:${line}` : ''}: ${what}`);
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // JSON.parse's messages differ between Node versions and rarely give a line. Loaded only here, on the error
    // path, so a valid file costs nothing extra at start-up.
    const { parseStrictJson } = require('../platform/json-text') as typeof import('../platform/json-text');
    const parsed = parseStrictJson(text);
    const error = 'error' in parsed ? parsed.error : undefined;
    return fail(
      error?.line ?? 0,
      `not valid JSON (${error?.reason ?? 'unreadable'})${error?.fix ? `: ${error.fix}` : ''}`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail(1, 'the file must hold a JSON object with a "registries" object');
  for (const key of Object.keys(value)) {
    if (key !== 'registries' && key !== 'credsStore')
      fail(lineOfKey(text, key), `unknown key "${key}" (the top-level keys are "registries" and "credsStore")`);
  }
  const credsStoreValue = (value as { credsStore?: unknown }).credsStore;
  let credsStore: string | undefined;
  if (credsStoreValue !== undefined) {
    const problem = storeNameProblem(credsStoreValue);
    if (problem) fail(lineOfKey(text, 'credsStore'), problem);
    credsStore = credsStoreValue as string;
  }
  const withStore = credsStore === undefined ? {} : { credsStore };
  const registries = (value as { registries?: unknown }).registries;
  if (registries === undefined) return { file, rules: [], ...withStore };
  if (typeof registries !== 'object' || registries === null || Array.isArray(registries))
    return fail(lineOfKey(text, 'registries'), '"registries" must be an object of host -> settings');
  const registriesStart = text.indexOf('"registries"');

  const rules: RegistryRule[] = [];
  for (const [rawKey, entry] of Object.entries(registries as Record<string, unknown>)) {
    const line = lineOfKey(text, rawKey, registriesStart);
    const key = rawKey.toLowerCase();
    const where = `registry "${rawKey}"`;
    const labels = key.split('.');
    if (labels.length < 2 || !labels.every((label) => label === '*' || LABEL.test(label))) {
      fail(
        line,
        `${where}: not a host name or a pattern whose "*" stands for a whole label (like *.dkr.ecr.eu-west-1.amazonaws.com)`,
      );
    }
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      return fail(line, `${where}: the settings must be an object`);
    const settings = entry as Record<string, unknown>;
    for (const [name, setting] of Object.entries(settings)) {
      if (!ENTRY_KEYS.has(name))
        fail(
          lineOfKey(text, name, text.indexOf(JSON.stringify(rawKey), registriesStart)) || line,
          `${where}: unknown setting "${name}" (known: ${[...ENTRY_KEYS].join(', ')})`,
        );
      if (typeof setting !== 'string' || setting === '') fail(line, `${where}: "${name}" must be a non-empty string`);
    }
    const { profile, roleArn, externalId, sessionName, target } = settings as Record<string, string | undefined>;
    if (roleArn !== undefined && !ROLE_ARN.test(roleArn))
      fail(line, `${where}: roleArn "${roleArn}" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`);
    if ((externalId !== undefined || sessionName !== undefined) && roleArn === undefined)
      fail(line, `${where}: externalId and sessionName need a roleArn`);
    if (profile !== undefined && !/^[\w.+@-]{1,128}$/.test(profile))
      fail(line, `${where}: profile "${profile}" is not a valid profile name`);
    let targetRegistry: Registry | undefined;
    if (target !== undefined && isPattern(key) && !narrowEnough(key)) {
      fail(
        line,
        `${where}: too broad for a "target": it would send an ECR token to any host it matches (docker.io, ghcr.io, ...); name at least two fixed labels after the last "*", like *.registry.example.com`,
      );
    }
    if (target !== undefined) {
      targetRegistry = registryForHost(target.toLowerCase());
      if (!targetRegistry)
        fail(
          line,
          `${where}: target "${target}" is not an ECR or ECR Public host (like 123456789012.dkr.ecr.us-east-1.amazonaws.com)`,
        );
      // A name that is someone else's registry, or already one of ours, must never stand for another registry.
      const publicName = publicRegistryNamed(key);
      if (publicName) {
        fail(
          line,
          `${where}: ${publicName} belongs to a public registry service, not to you: with a "target", an ECR token would be sent to it whenever a client asks for it (a mirror falling back to it, a pull from it); use a host name in a domain of your own, like images.example.com`,
        );
      }
      if (isPattern(key) ? canMatchEcrHost(key) : registryForHost(key) !== undefined) {
        fail(
          line,
          `${where}: an ECR host already stands for itself: a "target" would send another registry's token to it; remove "target" (choose its identity with "profile" or "roleArn")`,
        );
      }
    } else if (isPattern(key) ? !canMatchEcrHost(key) : registryForHost(key) === undefined) {
      fail(
        line,
        `${where}: not an ECR host; a custom host name needs "target": "<account>.dkr.ecr.<region>.amazonaws.com"`,
      );
    }
    const choice: IdentityChoice = {
      ...(profile !== undefined ? { profile } : {}),
      ...(roleArn !== undefined ? { roleArn } : {}),
      ...(externalId !== undefined ? { externalId } : {}),
      ...(sessionName !== undefined ? { sessionName } : {}),
    };
    rules.push({ pattern: key, line, choice, ...(targetRegistry ? { target: targetRegistry } : {}) });
  }
  return { file, rules, ...withStore };
}

/** A hand-written config file is a few kilobytes; a larger one is not ours (or is /dev/zero behind a link). */
const MAX_CONFIG_BYTES = 1024 * 1024;

/** Where the config file is, and whether someone named it (DOCKER_CREDENTIAL_ECR_CONFIG) rather than it being the default path. */
export interface RegistryConfigLocation {
  helperConfigFile: string | undefined;
  helperConfigNamed: boolean;
}

/**
 * Reads the config file; undefined when there is none at the default path. A file that was named but is missing,
 * or that exists and cannot be read, is an error: going on without it would serve the default identity where the
 * file names another (the kubelet set-up names it on every node).
 */
export function loadRegistryConfig(location: RegistryConfigLocation): RegistryConfig | undefined {
  const file = location.helperConfigFile;
  if (!file) return undefined;
  if (location.helperConfigNamed && !isAbsolute(file)) {
    throw new ConfigError(
      `DOCKER_CREDENTIAL_ECR_CONFIG=${file} is not an absolute path; the helper reads nothing from the directory a pull was started in`,
    );
  }
  let text: string;
  try {
    text = readRegularText(file, { maxBytes: MAX_CONFIG_BYTES, followSymlinks: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ENOENT' || code === 'ENOTDIR') && !location.helperConfigNamed) return undefined;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new ConfigError(
        `${file}: the config file named by DOCKER_CREDENTIAL_ECR_CONFIG does not exist; create it, or unset the variable to use the default identity`,
      );
    }
    const why =
      code === 'ENOTREG'
        ? 'not a regular file'
        : code === 'EFBIG'
          ? `larger than ${MAX_CONFIG_BYTES} bytes`
          : (code ?? 'error');
    throw new ConfigError(`${file}: cannot read the config file (${why})`);
  }
  return parseRegistryConfig(text, file);
}

/** The rule for `host`: an exact key first, then the most specific matching pattern. */
export function matchRule(config: RegistryConfig | undefined, host: string): RegistryRule | undefined {
  if (!config) return undefined;
  const exact = config.rules.find((rule) => !isPattern(rule.pattern) && rule.pattern === host);
  if (exact) return exact;
  const matching = config.rules.filter((rule) => isPattern(rule.pattern) && matchesPattern(rule.pattern, host));
  return matching.sort((a, b) => moreSpecific(a.pattern, b.pattern))[0];
}
