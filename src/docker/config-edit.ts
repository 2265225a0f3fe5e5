// The one edit `configure` makes to Docker's config.json or a containers auth.json: credHelpers entries for the
// hosts it routes here, and the removal of logins stored for them, as text edits: every other byte of the file
// (unknown keys, key order, indentation, line endings) stays exactly as it was.
import type { JsonNode } from '../platform/json-text';
import { HELPER_NAME, parseDockerConfig, parseObject, property, type DockerConfigView } from './config-file';

export interface HelperChange {
  host: string;
  /** The helper the host went to before, when it had an entry. */
  before?: string;
}

export interface HelperPlan {
  text: string;
  /** Empty when every host already goes to this helper: nothing to write. */
  changes: HelperChange[];
  /**
   * `auths` keys whose stored login (docker login, podman login) for a routed host is removed: when the helper
   * fails, the docker CLI sends that stored token instead, and an ECR token there is 12 hours old at most, so
   * the pull fails with "Your authorization token has expired" instead of the helper's own error.
   */
  removedLogins: string[];
}

interface Edit {
  offset: number;
  length: number;
  content: string;
}

/** The whitespace before `offset` when nothing else precedes it on its line; undefined when it shares a line. */
function indentAt(text: string, offset: number): string | undefined {
  const before = text.slice(text.lastIndexOf('\n', offset - 1) + 1, offset);
  return /^[ \t]*$/.test(before) ? before : undefined;
}

/** What separates a property's key from its value (": " or ":"), copied from a sibling. */
function separatorOf(text: string, propertyNode: JsonNode | undefined, pretty: boolean): string {
  const [key, value] = propertyNode?.children ?? [];
  if (key && value) {
    const between = text.slice(key.offset + key.length, value.offset);
    if (/^[ \t]*:[ \t]*$/.test(between)) return between;
  }
  return pretty ? ': ' : ':';
}

/** New text and edits that add `pairs` (rendered `"key": value`) at the end of `object`. */
function appendProperties(
  text: string,
  object: JsonNode,
  owner: JsonNode | undefined,
  pairs: string[],
  unit: string | undefined,
  eol: string,
): Edit {
  const children = object.children ?? [];
  const last = children.at(-1);
  if (last) {
    const indent = indentAt(text, last.offset);
    const content = pairs.map((pair) => (indent === undefined ? `,${pair}` : `,${eol}${indent}${pair}`)).join('');
    return { offset: last.offset + last.length, length: 0, content };
  }
  // An empty object: lay it out like its surroundings, or compactly when the file is compact.
  const ownerIndent = owner ? indentAt(text, owner.offset) : '';
  const interior = { offset: object.offset + 1, length: object.length - 2 };
  if (unit === undefined || ownerIndent === undefined) return { ...interior, content: pairs.join(',') };
  return {
    ...interior,
    content: `${eol}${pairs.map((pair) => `${ownerIndent}${unit}${pair}`).join(`,${eol}`)}${eol}${ownerIndent}`,
  };
}

/**
 * Plans credHelpers entries `"<host>": "ecr"` for `hosts`. An entry naming another helper is replaced (and
 * reported); an entry already naming this helper is left alone. Nothing else in the text changes.
 */
export function planHelperEntries(text: string | undefined, path: string, hosts: readonly string[]): HelperPlan {
  const view = parseDockerConfig(text, path);
  const changes: HelperChange[] = hosts
    .filter((host, i) => hosts.indexOf(host) === i && view.credHelpers[host] !== HELPER_NAME)
    .map((host) => (view.credHelpers[host] === undefined ? { host } : { host, before: view.credHelpers[host] }));
  const withHelpers = addHelperEntries(text, path, changes);
  const { text: result, removed } = removeStoredLogins(withHelpers, path, hosts);
  return { text: result ?? '', changes, removedLogins: removed };
}

/** The host part of an `auths` key (`https://host/v1/`, `host:port`...), or undefined when it is not a registry address. */
function authsKeyHost(key: string): string | undefined {
  const withoutScheme = key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const hostPort = withoutScheme.split('/')[0] ?? '';
  return hostPort === '' ? undefined : hostPort.toLowerCase();
}

/** The `auths` keys of `view` holding a credential for one of `hosts` (each `host` or `host:port`), in file order. */
export function storedLoginsFor(view: DockerConfigView, hosts: readonly string[]): string[] {
  const wanted = new Set(hosts.map((h) => h.toLowerCase()));
  return Object.entries(view.auths)
    .filter(([key, entry]) => {
      const host = authsKeyHost(key);
      return entry.hasCredential && host !== undefined && (wanted.has(host) || wanted.has(host.replace(/:443$/, '')));
    })
    .map(([key]) => key);
}

/** Removes the `auths` entries holding a credential for `hosts`, one text edit each; every other byte stays. */
function removeStoredLogins(
  text: string | undefined,
  path: string,
  hosts: readonly string[],
): { text: string | undefined; removed: string[] } {
  if (text === undefined) return { text, removed: [] };
  const removed = storedLoginsFor(parseDockerConfig(text, path), hosts);
  let current = text;
  for (const key of removed) {
    // Re-parsed after each removal: offsets move, and neighbouring entries share the commas between them.
    const root = parseObject(current, path);
    const auths = root ? property(root, 'auths')?.children?.[1] : undefined;
    const siblings = auths?.children ?? [];
    const index = siblings.findIndex((p) => p.children?.[0]?.value === key);
    if (!auths || index < 0) continue;
    const entry = siblings[index];
    const next = siblings[index + 1];
    const previous = siblings[index - 1];
    let from: number;
    let to: number;
    if (next)
      [from, to] = [entry.offset, next.offset]; // the entry, its comma, and the layout up to the next one
    else if (previous)
      [from, to] = [previous.offset + previous.length, entry.offset + entry.length]; // the comma before it, too
    else [from, to] = [auths.offset + 1, auths.offset + auths.length - 1]; // the only entry: `{}` remains, as docker logout leaves it
    current = current.slice(0, from) + current.slice(to);
  }
  return { text: current, removed };
}

function addHelperEntries(text: string | undefined, path: string, changes: HelperChange[]): string | undefined {
  if (changes.length === 0) return text;

  const root = text === undefined ? undefined : parseObject(text, path);
  if (text === undefined || !root) {
    // A new file, laid out as Docker writes it (tab indentation).
    const entries = changes.map((c) => `\t\t${JSON.stringify(c.host)}: ${JSON.stringify(HELPER_NAME)}`).join(',\n');
    return `{\n\t"credHelpers": {\n${entries}\n\t}\n}\n`;
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const rootChildren = root.children ?? [];
  // The indentation unit is the root's property indentation; none (every property on the `{` line) means compact.
  const unit =
    rootChildren.length === 0
      ? '\t'
      : rootChildren.map((p) => indentAt(text, p.offset)).find((indent) => indent !== undefined && indent !== '');
  const pretty = unit !== undefined;
  const helpersProperty = property(root, 'credHelpers');
  const helpersObject = helpersProperty?.children?.[1];
  const edits: Edit[] = [];

  if (helpersProperty && helpersObject?.type === 'object') {
    const sep = separatorOf(text, helpersObject.children?.at(-1) ?? helpersProperty, pretty);
    const added: string[] = [];
    for (const change of changes) {
      const existing = property(helpersObject, change.host)?.children?.[1];
      if (existing)
        edits.push({ offset: existing.offset, length: existing.length, content: JSON.stringify(HELPER_NAME) });
      else added.push(`${JSON.stringify(change.host)}${sep}${JSON.stringify(HELPER_NAME)}`);
    }
    if (added.length > 0) edits.push(appendProperties(text, helpersObject, helpersProperty, added, unit, eol));
  } else if (helpersProperty && helpersObject) {
    // `"credHelpers": null`: Docker reads it as absent; replace the null with the object.
    const sep = separatorOf(text, helpersProperty, pretty);
    const indent = indentAt(text, helpersProperty.offset);
    const pairs = changes.map((c) => `${JSON.stringify(c.host)}${sep}${JSON.stringify(HELPER_NAME)}`);
    const content =
      pretty && indent !== undefined
        ? `{${eol}${pairs.map((p) => `${indent}${unit}${p}`).join(`,${eol}`)}${eol}${indent}}`
        : `{${pairs.join(',')}}`;
    edits.push({ offset: helpersObject.offset, length: helpersObject.length, content });
  } else {
    const last = rootChildren.at(-1);
    const sep = separatorOf(text, last, pretty);
    const indent = last ? indentAt(text, last.offset) : '';
    const pairs = changes.map((c) => `${JSON.stringify(c.host)}${sep}${JSON.stringify(HELPER_NAME)}`);
    const object =
      pretty && indent !== undefined
        ? `{${eol}${pairs.map((p) => `${indent || unit}${unit}${p}`).join(`,${eol}`)}${eol}${indent || unit}}`
        : `{${pairs.join(',')}}`;
    edits.push(appendProperties(text, root, undefined, [`"credHelpers"${sep}${object}`], unit, eol));
  }

  let result = text;
  for (const edit of edits.sort((a, b) => b.offset - a.offset)) {
    result = result.slice(0, edit.offset) + edit.content + result.slice(edit.offset + edit.length);
  }
  return result;
}
