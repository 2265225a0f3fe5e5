// What the fake reads from a SigV4 (or SigV4a) signature: who signed, for which region and service, and when.
// The signature itself is never checked; its time is, against AWS's clock (clock.ts), because the SDK's clock
// correction depends on that refusal.
import type * as http from 'node:http';
import { SIGNATURE_WINDOW_MS } from './constants';

export interface Identity {
  accessKeyId?: string;
  region?: string;
  signingService?: string;
  sessionToken?: string;
}

/** Parses `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/ecr/aws4_request, ...` (and SigV4a's region-less scope). */
export function parseAuthorization(headers: http.IncomingHttpHeaders): Identity {
  const out: Identity = {};
  const auth = headers.authorization;
  const m4 = auth?.match(/Credential=([^/,\s]+)\/\d{8}\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/);
  const m4a = auth?.match(/Credential=([^/,\s]+)\/\d{8}\/([^/,\s]+)\/aws4_request/);
  if (m4) {
    out.accessKeyId = m4[1];
    out.region = m4[2];
    out.signingService = m4[3];
  } else if (m4a) {
    out.accessKeyId = m4a[1];
    out.signingService = m4a[2];
    const set = headers['x-amz-region-set'];
    if (typeof set === 'string') out.region = set;
  }
  const token = headers['x-amz-security-token'];
  if (typeof token === 'string') out.sessionToken = token;
  return out;
}

/** SigV4's X-Amz-Date format: 20260101T120000Z. */
function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');
}

/** When the request was signed, from its X-Amz-Date; undefined when it has none or it is not SigV4's format. */
export function signedAt(headers: http.IncomingHttpHeaders): number | undefined {
  const value = headers['x-amz-date'];
  const m = typeof value === 'string' ? value.match(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/) : null;
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : undefined;
}

export function outsideSignatureWindow(signedMs: number, nowMs: number): boolean {
  return Math.abs(signedMs - nowMs) > SIGNATURE_WINDOW_MS;
}

/** AWS's wording when X-Amz-Date is outside the window around its clock. */
export function signatureTimeMessage(signedMs: number, nowMs: number): string {
  const window = SIGNATURE_WINDOW_MS / 60_000;
  return signedMs < nowMs
    ? `Signature expired: ${amzDate(signedMs)} is now earlier than ${amzDate(nowMs - SIGNATURE_WINDOW_MS)} (${amzDate(nowMs)} - ${window} min.)`
    : `Signature not yet current: ${amzDate(signedMs)} is still later than ${amzDate(nowMs + SIGNATURE_WINDOW_MS)} (${amzDate(nowMs)} + ${window} min.)`;
}
