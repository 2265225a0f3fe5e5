// An independent re-implementation of how the kubelet decides that an `auth` key of a plugin's response applies to
// an image, to check our responses against without a kubelet. Written from kubernetes/kubernetes
// pkg/credentialprovider/keyring.go (BasicDockerKeyring.Add normalising the key; URLsMatchStr / URLsMatch comparing
// it with the image; unchanged in v1.35), Go's net/url.Parse and net.SplitHostPort, and path/filepath.Match.
// It deliberately shares no code with src/kubelet: a shared mistake would pass both.
import { AssertionError } from 'node:assert';

/** Go's filepath.ErrBadPattern: the kubelet treats it as "no match". */
export class BadPatternError extends Error {
  override name = 'BadPatternError';
}

type Token =
  | { kind: 'star' }
  | { kind: 'any' }
  | { kind: 'literal'; char: string }
  | { kind: 'class'; negated: boolean; ranges: Array<[number, number]> };

/**
 * Go's path/filepath.Match on Unix: `*` is any run of non-`/` characters, `?` one non-`/` character, `[...]` a class
 * (`^` negates; `lo-hi` ranges; `\` escapes), `\c` the literal c. Like Go since 1.16, a malformed pattern is an
 * error whatever the name, so the whole pattern is parsed before matching.
 */
export function goFilepathMatch(pattern: string, name: string): boolean {
  const tokens = parseGlob(pattern);
  const chars = Array.from(name);
  const memo = new Map<number, boolean>();
  const match = (t: number, c: number): boolean => {
    const key = t * (chars.length + 1) + c;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    const token = tokens[t];
    const char = chars[c];
    if (token === undefined) result = c === chars.length;
    else if (token.kind === 'star') result = match(t + 1, c) || (char !== undefined && char !== '/' && match(t, c + 1));
    else if (char === undefined) result = false;
    else if (token.kind === 'any') result = char !== '/' && match(t + 1, c + 1);
    else if (token.kind === 'literal') result = char === token.char && match(t + 1, c + 1);
    else {
      // Go's class test does not exclude the separator, unlike `*` and `?`.
      const point = char.codePointAt(0)!;
      const inRange = token.ranges.some(([lo, hi]) => lo <= point && point <= hi);
      result = inRange !== token.negated && match(t + 1, c + 1);
    }
    memo.set(key, result);
    return result;
  };
  return match(0, 0);
}

function parseGlob(pattern: string): Token[] {
  const chars = Array.from(pattern);
  const tokens: Token[] = [];
  let i = 0;
  // Go's getEsc: one class character, possibly escaped; '-' and ']' must be escaped, and the class must go on.
  const classChar = (): number => {
    let char = chars[i];
    if (char === undefined || char === '-' || char === ']') throw new BadPatternError(pattern);
    if (char === '\\') {
      i++;
      char = chars[i];
      if (char === undefined) throw new BadPatternError(pattern);
    }
    i++;
    if (i >= chars.length) throw new BadPatternError(pattern);
    return char.codePointAt(0)!;
  };
  while (i < chars.length) {
    const char = chars[i];
    if (char === '*') {
      tokens.push({ kind: 'star' });
      i++;
    } else if (char === '?') {
      tokens.push({ kind: 'any' });
      i++;
    } else if (char === '\\') {
      const escaped = chars[i + 1];
      if (escaped === undefined) throw new BadPatternError(pattern);
      tokens.push({ kind: 'literal', char: escaped });
      i += 2;
    } else if (char === '[') {
      i++;
      let negated = false;
      if (chars[i] === '^') {
        negated = true;
        i++;
      }
      const ranges: Array<[number, number]> = [];
      for (;;) {
        if (chars[i] === ']' && ranges.length > 0) {
          i++;
          break;
        }
        const lo = classChar();
        let hi = lo;
        if (chars[i] === '-') {
          i++;
          hi = classChar();
        }
        ranges.push([lo, hi]);
      }
      tokens.push({ kind: 'class', negated, ranges });
    } else {
      tokens.push({ kind: 'literal', char });
      i++;
    }
  }
  return tokens;
}

interface GoUrl {
  /** url.URL.Host: the host with its `:port` text, if any. */
  host: string;
  /** url.URL.Path after unescaping, as one char per byte so that a prefix test is Go's byte-wise HasPrefix. */
  path: string;
}

// Characters net/url accepts unescaped in a host (shouldEscape(c, encodeHost) is false for them).
const HOST_CHAR = /^[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]$/;
const USERINFO_CHAR = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]$/;

/** net/url.Parse for the absolute `scheme://...` strings the keyring builds; undefined where Go returns an error. */
function parseGoUrl(raw: string): GoUrl | undefined {
  if (/[\x00-\x1f\x7f]/.test(raw)) return undefined;
  const hash = raw.indexOf('#');
  let rest = hash === -1 ? raw : raw.slice(0, hash);
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(rest);
  if (!scheme) return undefined;
  rest = rest.slice(scheme[0].length);
  const query = rest.indexOf('?');
  if (query !== -1) rest = rest.slice(0, query);
  if (!rest.startsWith('//')) return undefined;
  rest = rest.slice(2);
  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const rawPath = slash === -1 ? '' : rest.slice(slash);
  const at = authority.lastIndexOf('@');
  if (at !== -1 && !Array.from(authority.slice(0, at)).every((c) => USERINFO_CHAR.test(c))) return undefined;
  const host = parseGoHost(at === -1 ? authority : authority.slice(at + 1));
  const path = unescapeBytes(rawPath, false);
  if (host === undefined || path === undefined) return undefined;
  return { host, path };
}

function parseGoHost(host: string): string | undefined {
  const validOptionalPort = (port: string): boolean => port === '' || /^:\d*$/.test(port);
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close === -1 || !validOptionalPort(host.slice(close + 1))) return undefined;
  } else {
    const colon = host.lastIndexOf(':');
    if (colon !== -1 && !validOptionalPort(host.slice(colon))) return undefined;
  }
  const decoded = unescapeBytes(host, true);
  return decoded === undefined ? undefined : Buffer.from(decoded, 'latin1').toString('utf8');
}

/** net/url's unescape: %XX to a byte; in a host, only %25 or escapes of non-ASCII bytes, and no disallowed ASCII. */
function unescapeBytes(text: string, inHost: boolean): string | undefined {
  const bytes = Buffer.from(text, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte === 0x25) {
      const hex = bytes.subarray(i + 1, i + 3).toString('latin1');
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      const value = parseInt(hex, 16);
      if (inHost && value < 0x80 && hex !== '25') return undefined;
      out.push(value);
      i += 2;
    } else {
      if (inHost && byte < 0x80 && !HOST_CHAR.test(String.fromCharCode(byte))) return undefined;
      out.push(byte);
    }
  }
  return Buffer.from(out).toString('latin1');
}

/** net.SplitHostPort; undefined where Go returns an error. */
function splitHostPort(hostport: string): { host: string; port: string } | undefined {
  const colon = hostport.lastIndexOf(':');
  if (colon === -1) return undefined;
  let host: string;
  let j = 0;
  let k = 0;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end === -1 || end + 1 !== colon) return undefined;
    host = hostport.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hostport.slice(0, colon);
    if (host.includes(':')) return undefined;
  }
  if (hostport.slice(j).includes('[') || hostport.slice(k).includes(']')) return undefined;
  return { host, port: hostport.slice(colon + 1) };
}

/** keyring.go splitURL: a host that SplitHostPort refuses (no port, say) is kept whole with an empty port. */
function splitUrl(url: GoUrl): { labels: string[]; port: string } {
  const split = splitHostPort(url.host) ?? { host: url.host, port: '' };
  return { labels: split.host.split('.'), port: split.port };
}

/** keyring.go URLsMatchStr: both sides parsed as `https://` + text; any error is "no match". */
export function urlsMatchStr(glob: string, target: string): boolean {
  const globUrl = parseGoUrl(`https://${glob}`);
  const targetUrl = parseGoUrl(`https://${target}`);
  if (!globUrl || !targetUrl) return false;
  const globParts = splitUrl(globUrl);
  const targetParts = splitUrl(targetUrl);
  if (globParts.port !== targetParts.port) return false;
  if (globParts.labels.length !== targetParts.labels.length) return false;
  if (!targetUrl.path.startsWith(globUrl.path)) return false;
  return globParts.labels.every((label, index) => {
    try {
      return goFilepathMatch(label, targetParts.labels[index]);
    } catch (error) {
      if (error instanceof BadPatternError) return false;
      throw error;
    }
  });
}

/**
 * keyring.go BasicDockerKeyring.Add: an `http://` or `https://` prefix is dropped (anything else gets `https://`
 * put in front and parsed), a `/v1/` or `/v2/` path prefix counts as none, a bare `/` path is dropped, and a key
 * Go cannot parse is ignored (undefined).
 */
export function normalizeAuthKey(key: string): string | undefined {
  const value = key.startsWith('https://') || key.startsWith('http://') ? key : `https://${key}`;
  const parsed = parseGoUrl(value);
  if (!parsed) return undefined;
  let path = Buffer.from(parsed.path, 'latin1').toString('utf8');
  if (path.startsWith('/v2/') || path.startsWith('/v1/')) path = path.slice(3);
  return path.length > 0 && path !== '/' ? parsed.host + path : parsed.host;
}

/** Whether the kubelet would use credentials returned under `key` when pulling `image` (host[:port]/path). */
export function keyMatchesImage(key: string, image: string): boolean {
  const normalized = normalizeAuthKey(key);
  return normalized !== undefined && urlsMatchStr(normalized, image);
}

/**
 * Throws AssertionError unless `responseJson` is a JSON object whose `auth` holds at least one key and every key
 * matches `image`: credentials under a key that does not match are silently never used.
 */
export function assertEveryAuthKeyMatches(responseJson: string, image: string): void {
  let response: unknown;
  try {
    response = JSON.parse(responseJson);
  } catch {
    throw new AssertionError({ message: 'response is not JSON' });
  }
  const auth =
    typeof response === 'object' && response !== null ? (response as Record<string, unknown>)['auth'] : undefined;
  if (typeof auth !== 'object' || auth === null || Array.isArray(auth)) {
    throw new AssertionError({ message: 'response has no auth object' });
  }
  const keys = Object.keys(auth);
  if (keys.length === 0) throw new AssertionError({ message: 'response auth is empty' });
  for (const key of keys) {
    if (!keyMatchesImage(key, image)) {
      throw new AssertionError({
        message: `auth key ${JSON.stringify(key)} does not match image ${JSON.stringify(image)} under the kubelet's rules`,
        actual: key,
        expected: image,
        operator: 'keyMatchesImage',
      });
    }
  }
}
