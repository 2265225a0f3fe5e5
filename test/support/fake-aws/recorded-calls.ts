// What the fake remembers of the traffic, for tests to assert on: every API call, tunnel and proxy request,
// every token and role it handed out, and the outcome of every trust, MFA and container-credentials check.
// All of it is forgotten on reset(); the keys' owners are kept apart, in principals.ts.
import type { Service } from './constants';
import type { Fault } from './faults';

export interface FakeCall {
  /** 'unknown' when neither the target, the Action nor the signing scope names a known service. */
  service: Service | 'unknown';
  action: string;
  /** X-Amz-Target header (JSON protocols only). */
  target?: string;
  /** Wire protocol of the request: 'json' (X-Amz-Target) or 'query' (form-encoded Action=). */
  protocol: 'json' | 'query';
  /** Signing region from the SigV4 credential scope (or X-Amz-Region-Set for SigV4a). */
  region?: string;
  /** Signing name from the credential scope, e.g. 'ecr', 'ecr-public', 'sts'. */
  signingService?: string;
  accessKeyId?: string;
  /** X-Amz-Security-Token, present with temporary credentials. */
  sessionToken?: string;
  /** Host header as sent. */
  host: string;
  /** JSON body, or the form parameters of a query request. */
  body: Record<string, unknown>;
  /** Date.now() when the request was complete. */
  at: number;
  /** True when it arrived through the proxy (CONNECT tunnel or absolute-URI request). */
  viaProxy: boolean;
  /** 'host:port' of the CONNECT tunnel it came through. */
  connectTarget?: string;
  userAgent?: string;
  /** The fault injected into this call's answer, if any. */
  fault?: Fault;
  /** Code of the error answered (fault, refused identity, expired signature...), if any. */
  error?: string;
}

export interface IssuedToken {
  service: 'ecr' | 'ecr-public';
  region?: string;
  accessKeyId?: string;
  /** The password; authorizationToken is base64("AWS:" + password). */
  password: string;
  authorizationToken: string;
  /** Epoch seconds, as in the response. */
  expiresAt: number;
  /** ECR only: one per registry in the answer. */
  proxyEndpoints?: string[];
  at: number;
}

export interface AssumedRole {
  action: 'AssumeRole' | 'AssumeRoleWithWebIdentity';
  roleArn: string;
  roleSessionName: string;
  externalId?: string;
  /** Key that signed the AssumeRole call (undefined for web identity). */
  callerAccessKeyId?: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Expiration of the issued credentials. */
  expiration: Date;
  /** arn:aws:sts::<account>:assumed-role/<role>/<session> */
  arn: string;
  /** Web identity: the token's `sub`, the `aud` the trust policy matched, and `iss`. */
  subject?: string;
  audience?: string;
  issuer?: string;
  /** AssumeRole on a role that requires MFA: the device that passed. */
  mfaSerialNumber?: string;
  at: number;
}

export interface WebIdentityCall {
  roleArn: string;
  roleSessionName: string;
  /** Claims read from the token (absent when it could not be decoded). */
  subject?: string;
  audience?: string | string[];
  issuer?: string;
  /** 'ok', or the error code answered. */
  outcome: 'ok' | 'AccessDenied' | 'InvalidIdentityToken' | 'ExpiredTokenException' | 'ValidationError';
  /** Key issued on success. */
  accessKeyId?: string;
  at: number;
}

export interface MfaCall {
  roleArn: string;
  serialNumber?: string;
  tokenCode?: string;
  callerAccessKeyId?: string;
  outcome: 'ok' | 'missing' | 'incomplete' | 'invalid-serial' | 'invalid-code' | 'reused-code';
  at: number;
}

export interface ContainerCredentialsCall {
  method: string;
  /** Path and query as requested. */
  path: string;
  /** The Authorization header as sent; absent when there was none. */
  authorization?: string;
  status: number;
  /** Key served on success. */
  accessKeyId?: string;
  fault?: Fault;
  userAgent?: string;
  at: number;
}

/** The lists FakeAws exposes; the arrays stay the same objects for the fake's life, emptied by clear(). */
export interface RecordedCalls {
  calls: FakeCall[];
  /** 'host:port' of each CONNECT, in order. */
  connects: string[];
  /** Absolute URIs of plain-HTTP proxy requests, in order. */
  proxyRequests: string[];
  issued: IssuedToken[];
  /** Successful AssumeRole and AssumeRoleWithWebIdentity answers. */
  assumedRoles: AssumedRole[];
  /** Every AssumeRoleWithWebIdentity that reached the trust check, refused or not. */
  webIdentityCalls: WebIdentityCall[];
  /** Every AssumeRole on a role set up with requireMfa(), refused or not. */
  mfaCalls: MfaCall[];
  /** Every request to the container-credentials endpoint. */
  containerCalls: ContainerCredentialsCall[];
}

export function createRecordedCalls(): RecordedCalls & { clear(): void; dump(): string } {
  const lists: RecordedCalls = {
    calls: [],
    connects: [],
    proxyRequests: [],
    issued: [],
    assumedRoles: [],
    webIdentityCalls: [],
    mfaCalls: [],
    containerCalls: [],
  };
  return {
    ...lists,
    clear() {
      for (const list of Object.values(lists) as unknown[][]) list.length = 0;
    },
    /** The lists as JSON, for the standalone fake's /__fake/calls. */
    dump() {
      // Oversized secrets are cut so the dump stays readable.
      const clip = (_key: string, v: unknown): unknown =>
        typeof v === 'string' && v.length > 4096 ? `${v.slice(0, 64)}...(${v.length} chars)` : v;
      return JSON.stringify(lists, clip);
    },
  };
}
