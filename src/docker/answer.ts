// The answer to `get`, as docker-credential-helpers writes it. A module of its own, with nothing else in it: a cache hit
// writes it before the CLI loads (fast-hit.ts), and what a hit's first chunk holds is evaluated on every run.
import { safeJson } from '../platform/terminal-text';

export interface Credentials {
  ServerURL: string;
  Username: string;
  Secret: string;
}

/** One JSON line. */
export const encodeCredentials = (credentials: Credentials): string =>
  safeJson({ ServerURL: credentials.ServerURL, Username: credentials.Username, Secret: credentials.Secret }) + '\n';
