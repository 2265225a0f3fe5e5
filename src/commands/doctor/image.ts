// `doctor IMAGE`: an argument with a repository path is an image (HOST/REPO[:TAG][@DIGEST]); a bare host stays a host.
import { printable } from '../../platform/log';

export interface ImageRef {
  /** As typed, for messages. */
  input: string;
  host: string;
  repository: string;
  /** The tag, or the digest when one is given (Docker pulls by digest then). */
  reference: string;
}

/** The image an argument names, or undefined for a bare host (with or without a scheme or a trailing slash). */
export function parseImage(arg: string): ImageRef | string | undefined {
  const bare = arg.replace(/^https?:\/\//, '');
  const slash = bare.indexOf('/');
  if (slash < 0 || slash === bare.length - 1) return undefined;
  const host = bare.slice(0, slash).toLowerCase();
  let rest = bare.slice(slash + 1);
  let reference = 'latest';
  const at = rest.indexOf('@');
  if (at >= 0) {
    reference = rest.slice(at + 1);
    rest = rest.slice(0, at);
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      reference = rest.slice(colon + 1);
      rest = rest.slice(0, colon);
    }
  }
  // The distribution spec's grammar for repository names, tags and digests.
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(rest))
    return `${printable(arg)}: "${printable(rest)}" is not a repository name`;
  if (
    !/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(reference) &&
    !/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(reference)
  )
    return `${printable(arg)}: "${printable(reference)}" is not a tag or a digest`;
  return { input: arg, host, repository: rest, reference };
}
