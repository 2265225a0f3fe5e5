// `docker-credential-ecr kubelet-config [--service-account-roles] [--name NAME]`: the kubelet's
// CredentialProviderConfig for this helper, derived from the host table the helper itself parses with (and the
// config file's custom hosts), so matchImages cannot drift from what it serves.
import { KUBELET_MODE, KUBELET_PLUGIN_NAME } from '../kubelet/names';
import { HelperError } from '../platform/errors';
import { printable } from '../platform/log';
import { shellQuote } from '../platform/posix';
import type { CommandIo } from './command-io';
import { commandHelp } from './help';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { loadRegistryConfig, type RegistryConfig } from '../registry/config-file';
import { isPattern } from '../registry/host-pattern';
import { assertOwnsItsDomain } from '../registry/public-suffix';
import { servedHostPatterns } from '../registry/host';

/** Both keys a service account may name its role under: AWS's plugin's, and IRSA's (which users ask it for). */
export const ROLE_ANNOTATIONS = ['eks.amazonaws.com/ecr-role-arn', 'eks.amazonaws.com/role-arn'];
export const STS_AUDIENCE = 'sts.amazonaws.com';
/** As EKS writes it. The response always carries its own cacheDuration; this applies only if one were missing. */
export const DEFAULT_CACHE_DURATION = '12h';

export interface KubeletConfigOptions {
  name: string;
  serviceAccountRoles: boolean;
  config: RegistryConfig | undefined;
  /** Where the helper config file is on the node: the kubelet runs as root, not as the user who runs this. */
  nodeConfigPath?: string;
}

/** A system path every node can have, readable by root whatever user generated the config. */
export const NODE_CONFIG_PATH = '/etc/docker-credential-ecr/config.json';

/** The config file's custom hosts (host names or patterns with a `target`), which the kubelet must ask us about too. */
export function customHostPatterns(config: RegistryConfig | undefined): string[] {
  return (config?.rules ?? []).filter((rule) => rule.target).map((rule) => rule.pattern);
}

/** The host forms the provider must match: every ECR host form, then the config file's custom hosts. */
export function matchImagesFor(config: RegistryConfig | undefined): string[] {
  return [...new Set([...servedHostPatterns(), ...customHostPatterns(config)])];
}

export function kubeletProviderConfig(options: KubeletConfigOptions): Record<string, unknown> {
  const provider: Record<string, unknown> = {
    name: options.name,
    matchImages: matchImagesFor(options.config),
    defaultCacheDuration: DEFAULT_CACHE_DURATION,
    apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
  };
  // Under AWS's plugin's name no arguments are needed (EKS's config passes none); under any other, the mode.
  if (options.name !== KUBELET_PLUGIN_NAME) provider.args = [KUBELET_MODE];
  // The kubelet runs the provider as root, with its own environment: point it at the same config file.
  if (options.config)
    provider.env = [{ name: 'DOCKER_CREDENTIAL_ECR_CONFIG', value: options.nodeConfigPath ?? NODE_CONFIG_PATH }];
  if (options.serviceAccountRoles) {
    provider.tokenAttributes = {
      serviceAccountTokenAudience: STS_AUDIENCE,
      cacheType: 'ServiceAccount',
      requireServiceAccount: false,
      optionalServiceAccountAnnotationKeys: ROLE_ANNOTATIONS,
    };
  }
  return { apiVersion: 'kubelet.config.k8s.io/v1', kind: 'CredentialProviderConfig', providers: [provider] };
}

const USAGE = commandHelp('kubelet-config')!.text;
const seeHelp = 'see `docker-credential-ecr kubelet-config --help`';

export async function runKubeletConfig(argv: readonly string[], io: CommandIo): Promise<number> {
  let name = KUBELET_PLUGIN_NAME;
  let serviceAccountRoles = false;
  let nodeConfigPath = NODE_CONFIG_PATH;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--service-account-roles') serviceAccountRoles = true;
    else if (arg === '--name' || arg === '--node-config') {
      const value = argv[++i];
      if (value === undefined) {
        io.stderr.write(`docker-credential-ecr: kubelet-config: ${arg} needs a value; ${seeHelp}\n`);
        return 1;
      }
      if (arg === '--name') name = value;
      else nodeConfigPath = value;
    } else if (arg === '--help' || arg === '-h') {
      io.stdout.write(USAGE);
      return 0;
    } else {
      io.stderr.write(`docker-credential-ecr: kubelet-config: unknown option ${printable(arg)}; ${seeHelp}\n`);
      return 1;
    }
  }
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    io.stderr.write(`docker-credential-ecr: kubelet-config: --name ${printable(name)} must be a file name (no "/")\n`);
    return 1;
  }
  let config: RegistryConfig | undefined;
  try {
    config = loadRegistryConfig(io.settings);
    // In matchImages a pattern under a public suffix would let any pod author pick where the node's token goes.
    for (const rule of config?.rules ?? []) {
      if (rule.target && isPattern(rule.pattern))
        assertOwnsItsDomain({ pattern: rule.pattern, file: config!.file, line: rule.line });
    }
  } catch (error) {
    if (!(error instanceof HelperError)) throw error;
    io.stderr.write(`docker-credential-ecr: kubelet-config: ${error.message}\n`);
    return 1;
  }
  if (!isAbsolute(nodeConfigPath)) {
    io.stderr.write(
      `docker-credential-ecr: kubelet-config: --node-config ${printable(nodeConfigPath)} must be an absolute path (the kubelet's working directory is not yours)\n`,
    );
    return 1;
  }
  io.stdout.write(
    `${JSON.stringify(kubeletProviderConfig({ name, serviceAccountRoles, config, nodeConfigPath }), null, 2)}\n`,
  );
  if (config && resolvePath(config.file) !== resolvePath(nodeConfigPath)) {
    // Only the custom hosts' entries matter to the kubelet; the file goes where root reads it on every node.
    io.stderr.write(
      `docker-credential-ecr: kubelet-config: the kubelet runs the provider as root and reads the helper config at ${printable(nodeConfigPath)}; ` +
        `install yours there on each node: sudo install -D -m 0644 ${printable(shellQuote(config.file))} ${printable(shellQuote(nodeConfigPath))}\n`,
    );
  }
  return 0;
}
