// The AWS shared config and credentials files, read without the AWS SDK (the cache-hit path must not load it):
// just enough ini parsing to find a profile's own lines and its settings.
import { readRegularText } from '../platform/read-file';

export type IniSections = Map<string, string[]>;

/** Far more than any real AWS config file; a larger "file" is not one (a link to /dev/zero, say). */
const MAX_INI_BYTES = 1024 * 1024;

/** The sections of an ini file, each as its trimmed, non-comment lines. Tolerant: a bad line is just a line. */
export function iniSections(text: string): IniSections {
  const sections: IniSections = new Map();
  let current: string[] | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (header) {
      current = sections.get(header[1]!) ?? [];
      sections.set(header[1]!, current);
    } else if (current) {
      current.push(line.replace(/\s*=\s*/, '='));
    }
  }
  return sections;
}

/** The file's sections; an absent or unreadable file has none (the SDK treats it the same way). */
export function readIni(path: string | undefined): IniSections {
  if (!path) return new Map();
  try {
    return iniSections(readRegularText(path, { maxBytes: MAX_INI_BYTES, followSymlinks: true }));
  } catch {
    return new Map();
  }
}

/** A profile's section in the config file: `[profile NAME]`, or `[default]` (also spelled `[profile default]`). */
export function profileSection(config: IniSections, profile: string): string[] | undefined {
  return profile === 'default' ? (config.get('default') ?? config.get('profile default')) : config.get(`profile ${profile}`);
}

/** The value of `name = value` among a section's lines. */
export function setting(lines: string[] | undefined, name: string): string | undefined {
  const prefix = `${name}=`;
  return lines?.find((line) => line.startsWith(prefix))?.slice(prefix.length);
}
