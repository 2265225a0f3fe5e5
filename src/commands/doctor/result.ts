// What a check is and what it hands on. A check is a function that returns its verdicts (status, subject, message,
// fix) and, where later checks depend on what it found, typed facts: no check reads another's message.
import type { Check } from '../command-io';
import type { DockerConfigView } from '../../docker/config-file';
import type { ErrorCategory } from '../../platform/errors';

export type { Check, CheckStatus } from '../command-io';

/** A family's verdicts, in print order, and the facts later checks use. */
export interface Outcome<F> {
  checks: Check[];
  facts: F;
}

/** The Docker config as doctor read it. */
export interface DockerState {
  path: string;
  view: DockerConfigView;
}

export const configureFix = (host: string): string => `docker-credential-ecr configure --registry ${host}`;

function relative(ms: number, now: number): string {
  const minutes = Math.round((ms - now) / 60_000);
  const span = Math.abs(minutes) >= 120 ? `${Math.round(Math.abs(minutes) / 60)} h` : `${Math.abs(minutes)} min`;
  return minutes >= 0 ? `in ${span}` : `${span} ago`;
}

/** An instant as doctor prints it: UTC to the second, and how far from now. */
export function when(ms: number, now: number): string {
  return `${new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')} (${relative(ms, now)})`;
}

/** `(expired 2026-...Z, 3 h ago)` */
export function age(expiry: number, now: number): string {
  const at = new Date(expiry).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return ` (${expiry <= now ? 'expired' : 'expires'} ${at}, ${relative(expiry, now)})`;
}

/** AWS's answer now, for one host. */
export type FreshAnswer =
  | { state: 'ok'; expiresAt: number; sharedWith?: string }
  | { state: 'failed'; category: ErrorCategory; summary: string; cause: string; hint: string }
  /** `second-code`: this run already asked for the identity's MFA code; `no-terminal`: there is none to ask on. */
  | { state: 'not-checked'; why: 'no-terminal' | 'second-code'; cause: string; hint: string };

export interface TokenFact {
  host: string;
  /** The identity's key material: which identity line this host's answer belongs to. */
  identity: string;
  isPublic: boolean;
  /** The identity needs an MFA code (mfa_serial): another AWS call would ask for another one. */
  mfa: boolean;
  /** Expiry of the cached token that pulls can still use (before this run asked AWS), if any. */
  cachedUntil?: number;
  fresh: FreshAnswer;
}
