// doctor --kubelet: the node's CredentialProviderConfig as the kubelet reads it (one file, or a directory of them),
// and whether each is one: its kind, apiVersion and providers list.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readRegularText } from '../../platform/read-file';
import type { Check } from '../command-io';

export type Json = Record<string, unknown>;
export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A value from the node's YAML as a person reads it: a string as itself, anything else as JSON. */
export const shown = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

const CONFIG_API_VERSIONS = [
  'kubelet.config.k8s.io/v1',
  'kubelet.config.k8s.io/v1beta1',
  'kubelet.config.k8s.io/v1alpha1',
];

/** A CredentialProviderConfig is a few kilobytes; a megabyte is far more than any. */
const MAX_CONFIG_BYTES = 1024 * 1024;

/** The config as the kubelet reads it: one file, or a directory's *.json, *.yaml, *.yml merged in lexical order. */
function readProviderConfigs(path: string): { file: string; doc: unknown }[] {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((name) => /\.(json|ya?ml)$/.test(name))
        .sort()
        .map((name) => join(path, name))
    : [path];
  // Bounded and never blocking: a FIFO or a link to /dev/zero where a config is expected fails, not hangs.
  return files.map((file) => ({
    file,
    doc: parseYaml(readRegularText(file, { maxBytes: MAX_CONFIG_BYTES, followSymlinks: true })) as unknown,
  }));
}

/**
 * A check per config file, and the providers of those that are CredentialProviderConfigs; `unreadable` when the
 * path cannot be read at all, which ends the checks.
 */
export function configFileChecks(configPath: string): { checks: Check[]; providers: Json[]; unreadable?: true } {
  const checks: Check[] = [];
  let docs;
  try {
    docs = readProviderConfigs(configPath);
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return {
      checks: [
        {
          name: 'kubelet-config',
          status: 'fail',
          message: `cannot read ${configPath}: ${why}`,
          fix: 'docker-credential-ecr kubelet-config > FILE writes a working one',
        },
      ],
      providers: [],
      unreadable: true,
    };
  }
  const providers: Json[] = [];
  for (const { file, doc } of docs) {
    if (!isObject(doc)) {
      checks.push({
        name: 'kubelet-config',
        status: 'fail',
        message: `${file}: not a CredentialProviderConfig (not a YAML/JSON object)`,
      });
      continue;
    }
    const problems: string[] = [];
    if (doc.kind !== 'CredentialProviderConfig')
      problems.push(`kind is ${JSON.stringify(doc.kind)}, not "CredentialProviderConfig"`);
    if (!CONFIG_API_VERSIONS.includes(String(doc.apiVersion)))
      problems.push(`apiVersion ${JSON.stringify(doc.apiVersion)} is not one of ${CONFIG_API_VERSIONS.join(', ')}`);
    if (!Array.isArray(doc.providers)) problems.push('it has no providers list');
    if (problems.length)
      checks.push({
        name: 'kubelet-config',
        status: 'fail',
        message: `${file}: ${problems.join('; ')}`,
        fix: 'the kubelet refuses to start with it',
      });
    else
      checks.push({
        name: 'kubelet-config',
        status: 'ok',
        message: `${file}: ${shown(doc.apiVersion)} CredentialProviderConfig with ${(doc.providers as unknown[]).length} provider(s)`,
      });
    if (Array.isArray(doc.providers)) providers.push(...doc.providers.filter(isObject));
  }
  return { checks, providers };
}
