// The AWS shared config and credentials files, read without the AWS SDK (the cache-hit path must not load it),
// by the SDK's own rules (@smithy/core's parseIni, getConfigData, mergeConfigFiles and the `~/` expansion of
// loadSharedConfigFiles), ported line for line: the cache key is derived from what this parser sees, and the token
// is fetched from what the SDK's parser sees, so the two must never disagree (an inline `# comment`, a
// `[profile default]` beside `[default]`, a commented section header).
import { join } from 'node:path';
import { readFailure, readRegularText } from '../platform/read-file';

/** Section -> setting -> value; sub-settings (`s3 =` then indented lines) as `parent.name`, as the SDK keys them. */
export type IniData = Record<string, Record<string, string>>;

/** Far more than any real AWS config file; a larger "file" is not one (a link to /dev/zero, say). */
const MAX_INI_BYTES = 1024 * 1024;
const PREFIXED_SECTION = /^([\w-]+)\s(["'])?([\w-@+.%:/]+)\2$/;
const SECTION_TYPES = new Set(['profile', 'sso-session', 'services']);
const FORBIDDEN_SECTIONS = new Set(['__proto__', 'profile __proto__']);

/** The SDK's parseIni. Throws where it throws (a `__proto__` profile), which makes the whole file empty, as there. */
function parseIni(text: string): IniData {
  const map: IniData = Object.create(null) as IniData;
  let section: string | undefined;
  let subSection: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.split(/(^|\s)[;#]/)[0].trim();
    if (trimmed[0] === '[' && trimmed[trimmed.length - 1] === ']') {
      section = undefined;
      subSection = undefined;
      const name = trimmed.substring(1, trimmed.length - 1);
      const prefixed = PREFIXED_SECTION.exec(name);
      if (prefixed) {
        if (SECTION_TYPES.has(prefixed[1])) section = `${prefixed[1]}.${prefixed[3]}`;
      } else {
        section = name;
      }
      if (FORBIDDEN_SECTIONS.has(name)) throw new Error(`invalid profile name "${name}"`);
    } else if (section) {
      const equals = trimmed.indexOf('=');
      if (equals > 0) {
        const name = trimmed.substring(0, equals).trim();
        const value = trimmed.substring(equals + 1).trim();
        if (value === '') {
          subSection = name;
        } else {
          if (subSection && line.trimStart() === line) subSection = undefined;
          map[section] ??= Object.create(null) as Record<string, string>;
          map[section][subSection ? `${subSection}.${name}` : name] = value;
        }
      }
    }
  }
  return map;
}

/** The SDK's getConfigData: `profile X` becomes X (and replaces a plain `[default]`); other prefixes stay. */
function configData(data: IniData): IniData {
  const result: IniData = Object.create(null) as IniData;
  if (data.default) result.default = data.default;
  for (const [key, value] of Object.entries(data)) {
    const separator = key.indexOf('.');
    if (separator === -1 || !SECTION_TYPES.has(key.substring(0, separator))) continue;
    result[key.substring(0, separator) === 'profile' ? key.substring(separator + 1) : key] = value;
  }
  return result;
}

/** `~/` is the home directory, as the SDK reads AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE. */
function expandHome(path: string, home: string | undefined): string {
  return path.startsWith('~/') && home ? join(home, path.slice(2)) : path;
}

/** One of the two files as read: the SDK is handed exactly this text (aws/sdk-files.ts), never reads it itself. */
export interface SharedFile {
  kind: 'config' | 'credentials';
  /** The path as the SDK resolves it (`~/` expanded). */
  path: string;
  /** null: the file does not exist (the SDK then has no settings from it either). */
  text: string | null;
}

function readFile(
  kind: SharedFile['kind'],
  path: string,
  home: string | undefined,
): { file: SharedFile; data: IniData; unreadable?: string } {
  const resolved = expandHome(path, home);
  const what = kind === 'config' ? 'the AWS config file' : 'the AWS shared credentials file';
  let text: string;
  try {
    text = readRegularText(resolved, { maxBytes: MAX_INI_BYTES, followSymlinks: true });
  } catch (error) {
    // Absent, or a regular file we may not read (a root-owned one after `sudo aws configure`): no settings, as the
    // SDK and the AWS CLI read it too.
    const absent = ['ENOENT', 'ENOTDIR', 'EACCES', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '');
    return {
      file: { kind, path: resolved, text: null },
      data: Object.create(null) as IniData,
      // Not a regular file, too large, unreadable: an error naming it. Going on without it would key the cache on
      // settings the caller did not mean, and the SDK (if it read the file itself) would hang on a FIFO.
      ...(absent ? {} : { unreadable: `${what} ${resolved} cannot be read (${readFailure(error)})` }),
    };
  }
  try {
    return { file: { kind, path: resolved, text }, data: parseIni(text) };
  } catch {
    // Refused by the parser (a `__proto__` profile): no settings, as the SDK swallows it too.
    return { file: { kind, path: resolved, text }, data: Object.create(null) as IniData };
  }
}

export interface SharedConfig {
  /** Profiles as the SDK's parseKnownFiles gives them: config-file profiles, credentials-file values winning. */
  profiles: IniData;
  /** The config file's `sso-session.X` and `services.X` sections. */
  sections: IniData;
  /** The files as read, config first. */
  files: SharedFile[];
  /** Why a file that exists could not be read (the first such): then no identity is usable. */
  unreadable?: string;
}

export function readSharedConfig(files: {
  awsConfigFile: string | undefined;
  awsCredentialsFile: string | undefined;
  home: string | undefined;
}): SharedConfig {
  const read = [
    files.awsConfigFile ? readFile('config', files.awsConfigFile, files.home) : undefined,
    files.awsCredentialsFile ? readFile('credentials', files.awsCredentialsFile, files.home) : undefined,
  ];
  const config = configData(read[0]?.data ?? (Object.create(null) as IniData));
  const credentials = read[1]?.data ?? (Object.create(null) as IniData);
  const profiles: IniData = Object.create(null) as IniData;
  for (const file of [config, credentials]) {
    for (const [name, values] of Object.entries(file)) profiles[name] = { ...profiles[name], ...values };
  }
  const unreadable = read.find((r) => r?.unreadable)?.unreadable;
  return {
    profiles,
    sections: config,
    files: read.flatMap((r) => (r ? [r.file] : [])),
    ...(unreadable ? { unreadable } : {}),
  };
}
