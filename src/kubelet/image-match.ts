// The kubelet's rule for whether a matchImages entry (or an auth key) covers an image, for `doctor --kubelet`:
// an http(s):// prefix is dropped; hosts must have the same number of DNS labels, each compared as a glob (Go's
// filepath.Match: `*`, `?`, `[...]`, none of them crossing a `.`); ports must be equal (no port matches only no
// port); the pattern's path must be a string prefix of the image's. Pure.

interface ImageParts {
  host: string;
  port: string;
  path: string;
}

function split(text: string): ImageParts {
  const rest = text.replace(/^https?:\/\//, '');
  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '' : rest.slice(slash);
  const colon = authority.lastIndexOf(':');
  return colon === -1
    ? { host: authority, port: '', path }
    : { host: authority.slice(0, colon), port: authority.slice(colon + 1), path };
}

/** One label's glob as a regular expression; a malformed class matches nothing, as filepath.Match errs. */
function labelPattern(glob: string): RegExp | undefined {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') source += '[^.]*';
    else if (c === '?') source += '[^.]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end === -1) return undefined;
      // Go negates a class with `^`, as JavaScript does; the body is passed through as is.
      source += `[${glob.slice(i + 1, end)}]`;
      i = end;
    } else if (c === '\\' && i + 1 < glob.length) {
      source += `\\${glob[++i]}`;
    } else source += c.replace(/[.+^${}()|\]\\]/g, '\\$&');
  }
  try {
    return new RegExp(`^${source}$`);
  } catch {
    return undefined;
  }
}

export function imageMatches(pattern: string, image: string): boolean {
  // The kubelet parses a pattern as a URL first: a host starting with `[` is an IPv6 literal that fails to parse,
  // and a `?` starts the query, so neither can match.
  if (/^(https?:\/\/)?\[/.test(pattern)) return false;
  // Case-sensitive, as the kubelet compares.
  const p = split(pattern.replace(/\?.*$/, ''));
  const i = split(image);
  if (p.port !== i.port) return false;
  const pLabels = p.host.split('.');
  const iLabels = i.host.split('.');
  if (pLabels.length !== iLabels.length) return false;
  if (!pLabels.every((label, n) => labelPattern(label)?.test(iLabels[n]) === true)) return false;
  return i.path.startsWith(p.path);
}
