// Docker's config.json and the containers tools' auth.json share one format: `credHelpers` maps a registry host
// to a helper, `credsStore` names the helper for every other host, `auths` holds what `docker login` stored.
// This reads them; config-edit.ts plans the one edit `configure` makes.
import { lstatSync, readlinkSync } from 'node:fs';
import { readFailure, readRegularTextWithStat } from '../platform/read-file';
import { dirname, resolve } from 'node:path';
import { lineOf, parseStrictJson, type JsonNode } from '../platform/json-text';
import { HelperError } from '../platform/errors';

/** The credHelpers value that sends a host to docker-credential-ecr. */
export const HELPER_NAME = 'ecr';

export class DockerConfigError extends HelperError {
  override name = 'DockerConfigError';
  /** What to change in the file, when it can be said exactly (a JSON slip). */
  fix?: string;
}

export interface ConfigFile {
  /** The path as found (DOCKER_CONFIG, HOME, REGISTRY_AUTH_FILE...). */
  path: string;
  /** Where the bytes live: `path` with symbolic links followed. Rewrites go here, so a link stays a link. */
  target: string;
  /** Undefined when the file does not exist yet. */
  text: string | undefined;
  /** Permission bits and owner of the existing file, kept when it is rewritten. */
  mode?: number;
  uid?: number;
  gid?: number;
}

export interface StoredAuth {
  /** Whether the entry holds a credential (docker login without a helper), not just an empty placeholder. */
  hasCredential: boolean;
  /** The stored `auth` value, base64 "user:password": only ever decoded to read an ECR token's expiry. */
  auth?: string;
}

export interface DockerConfigView {
  credHelpers: Record<string, string>;
  credsStore?: string;
  auths: Record<string, StoredAuth>;
}

const errorCode = (error: unknown): string => (error as NodeJS.ErrnoException | undefined)?.code ?? 'error';

/** Follows a chain of symbolic links to the file it ends at, which may not exist yet (a dangling link). */
export function followSymlinks(path: string): string {
  let current = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    let isLink: boolean;
    try {
      isLink = lstatSync(current).isSymbolicLink();
    } catch {
      return current;
    }
    if (!isLink) return current;
    current = resolve(dirname(current), readlinkSync(current));
  }
  throw new DockerConfigError(`${path}: too many levels of symbolic links`);
}

const MAX_DOCKER_CONFIG_BYTES = 16 * 1024 * 1024; // even hundreds of logins are far below this

export function readConfigFile(path: string): ConfigFile {
  const target = followSymlinks(path);
  try {
    // Bounded, and only a regular file: a FIFO or /dev/zero here is an error naming the file, never a hang or gigabytes.
    const { text, stat } = readRegularTextWithStat(target, { maxBytes: MAX_DOCKER_CONFIG_BYTES, followSymlinks: true });
    return { path, target, text, mode: stat.mode & 0o7777, uid: stat.uid, gid: stat.gid };
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') return { path, target, text: undefined };
    if (code === 'ENOTDIR') throw new DockerConfigError(`${path}: a directory in this path is a file`);
    throw new DockerConfigError(`${path}: cannot read it (${readFailure(error)})`);
  }
}

/** The syntax tree of the file's JSON object; Docker's own parser is strict JSON, so this one is too. */
export function parseObject(text: string, path: string): JsonNode | undefined {
  if (text.trim() === '') return undefined; // Docker reads an empty file as an empty config.
  const parsed = parseStrictJson(text);
  if ('error' in parsed) {
    const error = new DockerConfigError(`${path}:${parsed.error.line}: not valid JSON: ${parsed.error.reason}`);
    if (parsed.error.fix) error.fix = `${parsed.error.fix} of ${path}`;
    throw error;
  }
  const { root } = parsed;
  if (!root || root.type !== 'object') throw new DockerConfigError(`${path}: the file must hold a JSON object`);
  return root;
}

/** The value of the last property named `key` (Go's decoder, like JSON.parse, lets a repeated key win). */
export function property(object: JsonNode, key: string): JsonNode | undefined {
  const found = (object.children ?? []).filter((p) => p.children?.[0]?.value === key);
  return found.at(-1);
}

export function parseDockerConfig(text: string | undefined, path: string): DockerConfigView {
  const view: DockerConfigView = { credHelpers: {}, auths: {} };
  if (text === undefined) return view;
  const root = parseObject(text, path);
  if (!root) return view;
  const value = JSON.parse(text) as Record<string, unknown>;
  const where = (key: string): string => {
    const node = property(root, key);
    return node ? `${path}:${lineOf(text, node.offset)}` : path;
  };
  const helpers = value.credHelpers;
  if (helpers !== undefined && helpers !== null) {
    if (typeof helpers !== 'object' || Array.isArray(helpers))
      throw new DockerConfigError(`${where('credHelpers')}: "credHelpers" must be an object of host -> helper name`);
    for (const [host, helper] of Object.entries(helpers)) {
      if (typeof helper !== 'string')
        throw new DockerConfigError(`${where('credHelpers')}: credHelpers "${host}" must be a string`);
      view.credHelpers[host] = helper;
    }
  }
  if (typeof value.credsStore === 'string' && value.credsStore !== '') view.credsStore = value.credsStore;
  const auths = value.auths;
  if (typeof auths === 'object' && auths !== null && !Array.isArray(auths)) {
    for (const [host, entry] of Object.entries(auths)) {
      const fields = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {};
      const filled = (name: string): boolean => typeof fields[name] === 'string' && fields[name] !== '';
      view.auths[host] = {
        hasCredential: ['auth', 'password', 'identitytoken', 'registrytoken'].some(filled),
        ...(filled('auth') ? { auth: fields.auth as string } : {}),
      };
    }
  }
  return view;
}
