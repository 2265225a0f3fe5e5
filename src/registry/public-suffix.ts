// The second half of the rule for custom-host patterns with a `target` (config-file.ts has the first: two fixed
// labels after the last `*`), by the Public Suffix List: those fixed labels must contain a registrable domain, so
// `*.co.uk`, `*.github.io` or `*.s3.amazonaws.com` (where anyone can have a name) are refused too. `tldts` carries
// the list (private domains included). This module is a chunk of its own, loaded only when a target pattern is
// about to serve a host, or is written into a kubelet config: the list is large, and no other request needs it.
import { getDomain } from 'tldts';
import { ConfigError } from '../platform/errors';

export interface CustomPattern {
  pattern: string;
  file: string;
  line: number;
}

function ownsItsDomain(pattern: string): boolean {
  const labels = pattern.split('.');
  const fixed = labels.slice(labels.lastIndexOf('*') + 1).join('.');
  return getDomain(fixed, { allowPrivateDomains: true }) !== null;
}

/** Throws the error naming the entry when `custom` is too broad to be given a token. */
export function assertOwnsItsDomain(custom: CustomPattern): void {
  if (ownsItsDomain(custom.pattern)) return;
  throw new ConfigError(
    `${custom.file}:${custom.line}: registry "${custom.pattern}": too broad for a "target": its fixed labels are a public suffix, where anyone can have a host name; name your own domain, like *.registry.example.com`,
  );
}
