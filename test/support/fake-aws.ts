// A fake of the few AWS APIs the credential helper calls (ECR and ECR Public GetAuthorizationToken,
// STS AssumeRole / AssumeRoleWithWebIdentity / GetCallerIdentity), served on 127.0.0.1 so tests can
// drive the real AWS SDK v3 code path through AWS_ENDPOINT_URL_*.
//
// The same port is also an HTTP proxy: CONNECT tunnels are TLS-terminated in process with a
// certificate for the requested host (signed by a CA made at start, see caFile), so a client using
// HTTPS_PROXY and trusting caFile reaches this fake under the real AWS host names. route() turns a
// tunnel into a raw TCP pipe to a local port instead (e.g. a registry under an ECR host name).
//
// Wire formats follow what the installed SDK sends and parses:
// - ECR / ECR Public: AWS JSON 1.1, `POST /` with X-Amz-Target, errors as {"__type","message"} plus
//   the x-amzn-errortype header.
// - STS: awsQuery (form-encoded Action=...&Version=2011-06-15, XML responses and XML errors). Both
//   @aws-sdk/client-sts and @aws-sdk/nested-clients/sts use it. The STS model also allows
//   awsJson1_0 (target AWSSecurityTokenServiceV20110615.*), which future SDKs may switch to, so
//   that is accepted as well.
//
// Identity (see FakeAws for the methods):
// - AssumeRoleWithWebIdentity reads the JWT's claims (no signature check) and applies a per-role trust
//   policy set with trustWebIdentity(); a role without one refuses every token, like a role whose
//   trust policy names no OIDC provider.
// - AssumeRole can require MFA (requireMfa()); one-time codes are single-use, as in AWS.
// - Every key the fake issues (AssumeRole, web identity, container credentials) maps back to its
//   role, session and subject through principalFor(), so a later ECR call can be attributed.
// - GET containerCredentialsUrl is an EKS Pod Identity / ECS style container-credentials endpoint.
// - blackHoleUrl accepts TCP connections and never answers (see fake-black-hole.ts).
// - setClockOffset() moves "AWS's clock": the Date header, expiry times and the SigV4 five-minute
//   window all follow it, so a client whose clock is off sees what it would see against AWS.
//
// Standalone: `node --import tsx test/support/fake-aws.ts [--port N] [--account ID]` prints
// {"url","port","caFile","containerCredentialsUrl","containerAuthorizationToken","blackHoleUrl"} as one
// JSON line and serves until SIGINT/SIGTERM; the /__fake/* control endpoints (see handleControl)
// stand in for the in-process methods.
import { randomBytes, createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { startBlackHole, type BlackHole } from './fake-black-hole';
import { makeCa, makeLeaf, type CaFiles } from './tls';
import { createEcrCatalogue, type FakeEcrCatalogue } from './fake-ecr-catalogue';

export const ECR_TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921';
export const ECR_PUBLIC_TARGET_PREFIX = 'SpencerFrontendService';
export const STS_JSON_TARGET_PREFIX = 'AWSSecurityTokenServiceV20110615';
export const ECR_GET_AUTHORIZATION_TOKEN_TARGET = `${ECR_TARGET_PREFIX}.GetAuthorizationToken`;
export const ECR_PUBLIC_GET_AUTHORIZATION_TOKEN_TARGET = `${ECR_PUBLIC_TARGET_PREFIX}.GetAuthorizationToken`;
export const STS_API_VERSION = '2011-06-15';
export const STS_XML_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
export const DEFAULT_ACCOUNT = '123456789012';
/** ECR's real token lifetime. */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 12 * 60 * 60;
/** AssumeRole's default DurationSeconds. */
export const DEFAULT_STS_LIFETIME_SECONDS = 60 * 60;
/** Size of the secret in an 'oversized' answer. */
export const OVERSIZED_BYTES = 4 * 1024 * 1024;
/** The audience EKS (IRSA) puts in service-account tokens for STS, and trustWebIdentity()'s default. */
export const DEFAULT_WEB_IDENTITY_AUDIENCE = 'sts.amazonaws.com';
/** Issuer of makeWebIdentityToken()'s tokens and trustWebIdentity()'s default OIDC provider. */
export const DEFAULT_OIDC_ISSUER = 'https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
/** Path of the container-credentials endpoint (EKS Pod Identity's agent serves the same path). */
export const CONTAINER_CREDENTIALS_PATH = '/v1/credentials';
/** How far a SigV4 X-Amz-Date may be from AWS's clock either way. */
export const SIGNATURE_WINDOW_MS = 5 * 60_000;

export type Service = 'ecr' | 'ecr-public' | 'sts';
/** fail() also takes 'container': the container-credentials endpoint. */
export type FaultTarget = Service | 'container';

export type Fault =
  | 'access-denied'
  | 'throttle'
  | 'http-500'
  | 'malformed'
  | 'oversized'
  | 'expired-credentials'
  | 'unrecognized-client'
  | 'invalid-signature'
  | 'hang'
  | 'empty'
  /** What a filtering proxy answers instead of AWS: HTTP 403 with an HTML page, no AWS error code. */
  | 'proxy-refusal'
  | { slow: number };

export type ConnectFault = 'refuse' | 'reset';

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

/** What the fake knows about a key it issued. */
export interface Principal {
  accessKeyId: string;
  source: 'AssumeRole' | 'AssumeRoleWithWebIdentity' | 'container';
  roleArn: string;
  roleSessionName: string;
  /** arn:aws:sts::<account>:assumed-role/<role>/<session>, as GetCallerIdentity answers. */
  arn: string;
  /** AROA...:<session>, as GetCallerIdentity answers. */
  userId: string;
  account: string;
  /** Web identity: the token's `sub` (e.g. system:serviceaccount:<ns>:<name>). */
  subject?: string;
  /** AssumeRole: the key that signed the call. */
  callerAccessKeyId?: string;
  mfaSerialNumber?: string;
}

/** Conditions of a role's trust policy for web identities (StringLike on `sub` and `aud`). */
export interface WebIdentityTrust {
  /** Allowed `sub` claims; '*' and '?' are wildcards, as in IAM's StringLike. */
  subjects: readonly string[];
  /** The `aud` the token must carry (among others, if a list); DEFAULT_WEB_IDENTITY_AUDIENCE by default. Wildcards allowed. */
  audience?: string;
  /** The OIDC provider (`iss`) the role trusts; DEFAULT_OIDC_ISSUER by default. Compared without https://. */
  issuer?: string;
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

export interface MfaRequirement {
  /** The device the caller must name (SerialNumber): a hardware serial or arn:aws:iam::<acct>:mfa/<name>. */
  serialNumber: string;
  /** The one-time code (TokenCode) accepted. Single-use unless allowReuse, as in AWS. */
  code: string;
  allowReuse?: boolean;
}

export interface MfaCall {
  roleArn: string;
  serialNumber?: string;
  tokenCode?: string;
  callerAccessKeyId?: string;
  outcome: 'ok' | 'missing' | 'incomplete' | 'invalid-serial' | 'invalid-code' | 'reused-code';
  at: number;
}

export interface ContainerCredentialsOptions {
  /** The Authorization value the endpoint accepts (the token file's exact contents). */
  authorizationToken?: string;
  /** Role whose credentials are served; arn:aws:iam::<account>:role/fake-pod-role by default. */
  roleArn?: string;
  /** Session name in the served role's ARN; a counter is appended. */
  sessionName?: string;
  lifetimeSeconds?: number;
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

export interface FakeAws {
  /** http://127.0.0.1:<port>: the API endpoint and the proxy URL. */
  url: string;
  port: number;
  /** PEM of the CA that signs the tunnel certificates. */
  caFile: string;
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
  /** http://127.0.0.1:<port>/v1/credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI. */
  containerCredentialsUrl: string;
  /** The Authorization value the container endpoint currently accepts (random unless set). */
  readonly containerAuthorizationToken: string;
  /** http://127.0.0.1:<port> of a listener that accepts and never answers; closed with the fake. */
  blackHoleUrl: string;
  blackHole: BlackHole;
  /** Offset of the fake's clock ("AWS time") from the local clock, in ms. */
  readonly clockOffsetMs: number;
  callsFor(service: Service): FakeCall[];
  /** The repositories and pull-through rules DescribeRepositories and its kin answer from (fake-ecr-catalogue.ts). */
  ecr: FakeEcrCatalogue;
  /** The password of every token issued from now on (a real registry's htpasswd needs one it knows); until reset(). */
  setTokenPassword(password: string | undefined): void;
  /** Lifetime of tokens issued from now on. Without service: ECR and ECR Public (STS keeps 1 h). */
  setTokenLifetime(seconds: number, service?: Service): void;
  /** The next `times` calls to service (default: all until reset) answer with fault; queued after earlier fail()s. */
  fail(service: FaultTarget, fault: Fault, opts?: { times?: number }): void;
  /** CONNECT to target ('host:port') becomes a raw TCP tunnel to 127.0.0.1:to.port. Survives reset(). */
  route(target: string, to: { port: number }): void;
  /**
   * As the proxy: CONNECT to a target whose host is `host` gets `fault` instead of a tunnel: 'refuse' answers the
   * CONNECT with 403 (a filtering proxy's allow-list), 'reset' accepts it and then drops the connection. Until reset().
   */
  connectFault(host: string, fault: ConnectFault): void;
  /** Lets web identities matching trust assume roleArn (replacing its earlier trust). */
  trustWebIdentity(roleArn: string, trust: WebIdentityTrust): void;
  /** AssumeRole on roleArn then needs SerialNumber and TokenCode (replacing an earlier requirement). */
  requireMfa(roleArn: string, mfa: MfaRequirement): void;
  /** Changes what the container endpoint accepts and serves; unset fields keep their defaults. */
  setContainerCredentials(opts: ContainerCredentialsOptions): void;
  /** Moves the fake's clock by ms relative to the local one (Date headers, expiries, SigV4 window). */
  setClockOffset(ms: number): void;
  /** The fake's clock: Date.now() + clockOffsetMs. */
  awsNow(): number;
  /** Role, session and subject behind a key the fake issued (kept across reset()); undefined for others. */
  principalFor(accessKeyId: string | undefined): Principal | undefined;
  /**
   * Forgets calls, connects, issued tokens, assumed roles, web identity / MFA / container calls, faults,
   * lifetimes, trust policies, MFA requirements, container settings and the clock offset; zeroes the
   * black hole's counters. Routes, certificates and principalFor()'s knowledge stay.
   */
  reset(): void;
  close(): Promise<void>;
}

export interface StartOptions {
  account?: string;
  /** Where the CA and leaf certificates go; a fresh temporary directory (removed on close) by default. */
  tmpDir?: string;
  /** Listen port; 0 (random) by default. */
  port?: number;
}

interface ErrorSpec {
  status: number;
  code: string;
  message: string;
  /** awsQuery's <Type>: who is at fault. */
  type: 'Sender' | 'Receiver';
}

interface FaultEntry {
  fault: Fault;
  /** Remaining calls; Infinity until reset. */
  remaining: number;
}

export interface Identity {
  accessKeyId?: string;
  region?: string;
  signingService?: string;
  sessionToken?: string;
}

interface Tunnel {
  connectTarget?: string;
  viaProxy: boolean;
}

const SERVICES: readonly Service[] = ['ecr', 'ecr-public', 'sts'];
const FAULT_TARGETS: readonly FaultTarget[] = [...SERVICES, 'container'];
/** What the container endpoint can be made to do (it speaks no AWS error dialect). */
const CONTAINER_FAULTS: readonly Fault[] = ['access-denied', 'throttle', 'http-500', 'malformed', 'empty', 'expired-credentials', 'hang'];
const NAMED_FAULTS: readonly Fault[] = [
  'access-denied',
  'throttle',
  'http-500',
  'malformed',
  'oversized',
  'expired-credentials',
  'unrecognized-client',
  'invalid-signature',
  'hang',
  'empty',
  'proxy-refusal',
];
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

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

function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function xmlFields(fields: Record<string, string | undefined>): string {
  return Object.entries(fields)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`)
    .join('');
}

function requestId(): string {
  const h = randomBytes(16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** AWS's timestamp style in XML: ISO 8601 without milliseconds. */
function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function upperId(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').toUpperCase().slice(0, length);
}

function randomSecret(length: number): string {
  return randomBytes(length).toString('base64').replace(/[^A-Za-z0-9]/g, 'x').slice(0, length);
}

function faultLabel(fault: Fault): string {
  return typeof fault === 'string' ? fault : `slow ${fault.slow}ms`;
}

/** SigV4's X-Amz-Date format: 20260101T120000Z. */
function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');
}

function parseAmzDate(value: string): number | undefined {
  const m = value.match(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : undefined;
}

/** AWS's wording when X-Amz-Date is outside the window around its clock. */
function signatureTimeMessage(signedMs: number, nowMs: number): string {
  const window = SIGNATURE_WINDOW_MS / 60_000;
  return signedMs < nowMs
    ? `Signature expired: ${amzDate(signedMs)} is now earlier than ${amzDate(nowMs - SIGNATURE_WINDOW_MS)} (${amzDate(nowMs)} - ${window} min.)`
    : `Signature not yet current: ${amzDate(signedMs)} is still later than ${amzDate(nowMs + SIGNATURE_WINDOW_MS)} (${amzDate(nowMs)} + ${window} min.)`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export interface WebIdentityClaims {
  sub?: string;
  aud?: string | string[];
  iss?: string;
  /** Epoch seconds. */
  exp?: number;
  iat?: number;
  [claim: string]: unknown;
}

/**
 * A JWT shaped like a Kubernetes service-account token (RS256 header, random signature; the fake
 * never verifies it). Defaults: iss DEFAULT_OIDC_ISSUER, aud DEFAULT_WEB_IDENTITY_AUDIENCE, valid for
 * an hour from the local clock. A claim given as undefined is left out.
 */
export function makeWebIdentityToken(claims: WebIdentityClaims = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = { iss: DEFAULT_OIDC_ISSUER, aud: DEFAULT_WEB_IDENTITY_AUDIENCE, iat: now, nbf: now, exp: now + 3600, ...claims };
  const part = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'RS256', kid: 'fake-aws', typ: 'JWT' })}.${part(payload)}.${randomBytes(64).toString('base64url')}`;
}

/** The claims of a compact JWS (header.payload.signature, base64url), unverified; undefined when malformed. */
export function decodeWebIdentityToken(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p))) return undefined;
  try {
    const header: unknown = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return isObject(header) && typeof header.alg === 'string' && isObject(payload) ? payload : undefined;
  } catch {
    return undefined;
  }
}

/** IAM's StringLike: '*' any run of characters, '?' any one. */
function stringLike(pattern: string, value: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 's').test(value);
}

function withoutScheme(issuer: string): string {
  return issuer.replace(/^https:\/\//, '').replace(/\/+$/, '');
}

function roleParts(roleArn: string, fallbackAccount: string): { account: string; name: string } {
  const m = roleArn.match(/^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/);
  return { account: m?.[1] ?? fallbackAccount, name: m?.[2] ?? 'unnamed' };
}

/** RoleSessionName's constraints, with STS's ValidationError wording; undefined when valid. */
function sessionNameProblem(name: string): string | undefined {
  const at = `Value '${name}' at 'roleSessionName' failed to satisfy constraint: Member must`;
  if (name.length < 2) return `1 validation error detected: ${at} have length greater than or equal to 2`;
  if (name.length > 64) return `1 validation error detected: ${at} have length less than or equal to 64`;
  if (!/^[\w+=,.@-]*$/.test(name)) return `1 validation error detected: ${at} satisfy regular expression pattern: [\\w+=,.@-]*`;
  return undefined;
}

export async function startFakeAws(opts: StartOptions = {}): Promise<FakeAws> {
  const account = opts.account ?? DEFAULT_ACCOUNT;
  const ownTmp = opts.tmpDir === undefined;
  const dir = opts.tmpDir ?? mkdtempSync(join(tmpdir(), 'fake-aws-'));
  const ca: CaFiles = makeCa(join(dir, 'ca'), { commonName: 'fake-aws test CA' });
  const certDir = join(dir, 'leaves');

  const calls: FakeCall[] = [];
  const connects: string[] = [];
  const proxyRequests: string[] = [];
  const issued: IssuedToken[] = [];
  const assumedRoles: AssumedRole[] = [];
  const webIdentityCalls: WebIdentityCall[] = [];
  const mfaCalls: MfaCall[] = [];
  const containerCalls: ContainerCredentialsCall[] = [];
  const faults = new Map<FaultTarget, FaultEntry[]>();
  const lifetimes = new Map<Service, number>();
  const routes = new Map<string, number>();
  const connectFaults = new Map<string, ConnectFault>();
  const webTrust = new Map<string, WebIdentityTrust>();
  const mfaRules = new Map<string, MfaRequirement & { used: Set<string> }>();
  const defaultContainerToken = randomBytes(24).toString('base64url');
  const containerDefaults = (): Required<ContainerCredentialsOptions> => ({
    authorizationToken: defaultContainerToken,
    roleArn: `arn:aws:iam::${account}:role/fake-pod-role`,
    sessionName: 'eks-fake-cluster-pod',
    lifetimeSeconds: DEFAULT_STS_LIFETIME_SECONDS,
  });
  let container = containerDefaults();
  let clockOffsetMs = 0;
  // Kept across reset() so GetCallerIdentity and principalFor() still know keys issued before it.
  const principals = new Map<string, Principal>();
  const blackHole = await startBlackHole();
  const contexts = new Map<string, tls.SecureContext>();
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const tunnels = new WeakMap<net.Socket, Tunnel>();
  let tokenCounter = 0;
  let fixedPassword: string | undefined;
  const catalogue = createEcrCatalogue(account);
  let roleCounter = 0;
  let containerCounter = 0;
  let closed = false;

  const awsNow = (): number => Date.now() + clockOffsetMs;

  function track(socket: net.Socket): void {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // Clients hang up mid-answer in the fault tests; that must not crash the test process.
    socket.on('error', () => socket.destroy());
  }

  function delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });
  }

  function takeFault(service: FaultTarget): Fault | undefined {
    const queue = faults.get(service);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) queue.shift();
    return head.fault;
  }

  function secureContextFor(host: string): tls.SecureContext {
    let ctx = contexts.get(host);
    if (!ctx) {
      const leaf = makeLeaf(ca, certDir, [host]);
      ctx = tls.createSecureContext({ cert: leaf.cert, key: leaf.key });
      contexts.set(host, ctx);
    }
    return ctx;
  }

  // ---------------------------------------------------------------- answers

  function send(res: http.ServerResponse, status: number, contentType: string, body: string, extra: http.OutgoingHttpHeaders = {}): void {
    if (res.destroyed) return;
    res.writeHead(status, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(body),
      'x-amzn-requestid': requestId(),
      // AWS's clock, which the SDK adopts for its signing clock (see setClockOffset).
      date: new Date(awsNow()).toUTCString(),
      ...extra,
    });
    res.end(body);
  }

  function jsonContentType(service: Service | 'unknown'): string {
    return service === 'sts' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';
  }

  function sendError(res: http.ServerResponse, call: FakeCall, spec: ErrorSpec): void {
    call.error = spec.code;
    if (call.protocol === 'query') {
      const xml =
        `<ErrorResponse xmlns="${STS_XML_NAMESPACE}"><Error>${xmlFields({ Type: spec.type, Code: spec.code, Message: spec.message })}</Error>` +
        `<RequestId>${requestId()}</RequestId></ErrorResponse>`;
      send(res, spec.status, 'text/xml', xml);
      return;
    }
    const extra: http.OutgoingHttpHeaders = { 'x-amzn-errortype': spec.code };
    // awsQueryCompatible services (STS over JSON) carry the query error code in this header.
    if (call.service === 'sts') extra['x-amzn-query-error'] = `${spec.code};${spec.type}`;
    send(res, spec.status, jsonContentType(call.service), JSON.stringify({ __type: spec.code, message: spec.message }), extra);
  }

  /** The error a fault stands for, in the dialect of the call's service (STS has its own codes). */
  function faultError(call: FakeCall, fault: Fault): ErrorSpec | undefined {
    const sts = call.service === 'sts';
    const iamPrefix = call.service === 'unknown' ? 'unknown' : call.service;
    const resource = sts && typeof call.body.RoleArn === 'string' ? call.body.RoleArn : '*';
    switch (fault) {
      case 'access-denied':
        return {
          status: sts ? 403 : 400,
          code: sts ? 'AccessDenied' : 'AccessDeniedException',
          message:
            `User: arn:aws:iam::${account}:user/x is not authorized to perform: ${iamPrefix}:${call.action} ` +
            `on resource: ${resource} because no identity-based policy allows the ${iamPrefix}:${call.action} action`,
          type: 'Sender',
        };
      case 'throttle':
        return { status: 400, code: sts ? 'Throttling' : 'ThrottlingException', message: 'Rate exceeded', type: 'Sender' };
      case 'http-500':
        return {
          status: 500,
          // ServerException is what the ECR models declare, so the SDK maps it to its class.
          code: sts ? 'InternalFailure' : 'ServerException',
          message: 'We encountered an internal error. Please try again.',
          type: 'Receiver',
        };
      case 'expired-credentials':
        return {
          status: sts ? 403 : 400,
          code: sts ? 'ExpiredToken' : 'ExpiredTokenException',
          message: 'The security token included in the request is expired',
          type: 'Sender',
        };
      case 'unrecognized-client':
        return {
          status: sts ? 403 : 400,
          code: sts ? 'InvalidClientTokenId' : 'UnrecognizedClientException',
          message: 'The security token included in the request is invalid.',
          type: 'Sender',
        };
      case 'invalid-signature':
        return {
          status: sts ? 403 : 400,
          code: sts ? 'SignatureDoesNotMatch' : 'InvalidSignatureException',
          message: signatureTimeMessage(Date.UTC(2020, 0, 1), awsNow()),
          type: 'Sender',
        };
      default:
        return undefined;
    }
  }

  function issueToken(service: 'ecr' | 'ecr-public', call: FakeCall, oversized: boolean): IssuedToken {
    const n = ++tokenCounter;
    const base = `fake-${service}-${String(n).padStart(6, '0')}-${randomBytes(12).toString('hex')}`;
    const password = oversized ? base + 'x'.repeat(OVERSIZED_BYTES) : (fixedPassword ?? base);
    const lifetime = lifetimes.get(service) ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
    const token: IssuedToken = {
      service,
      region: call.region,
      accessKeyId: call.accessKeyId,
      password,
      authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
      // On AWS's clock. Real answers carry fractional seconds too.
      expiresAt: Math.round(awsNow() + lifetime * 1000) / 1000,
      at: Date.now(),
    };
    issued.push(token);
    return token;
  }

  function answerEcr(res: http.ServerResponse, call: FakeCall, fault: Fault | undefined): void {
    const catalogued = call.service === 'ecr' && call.action !== 'GetAuthorizationToken' ? catalogue.answer(call) : undefined;
    if (catalogued) return 'error' in catalogued ? sendError(res, call, { ...catalogued.error, type: 'Sender' }) : send(res, 200, jsonContentType(call.service), JSON.stringify(catalogued.body));
    if (call.action !== 'GetAuthorizationToken') {
      sendError(res, call, { status: 400, code: 'UnknownOperationException', message: `fake-aws does not implement ${call.action}`, type: 'Sender' });
      return;
    }
    const ct = jsonContentType(call.service);
    if (fault === 'malformed') return send(res, 200, ct, '{"authorizationData":[{"authorizationToken":"QVdTOmZha');
    if (call.service === 'ecr') {
      if (fault === 'empty') return send(res, 200, ct, '{"authorizationData":[]}');
      const region = call.region ?? 'us-east-1';
      const ids = call.body.registryIds;
      const accounts = Array.isArray(ids) && ids.length > 0 ? ids.map(String) : [account];
      const token = issueToken('ecr', call, fault === 'oversized');
      token.proxyEndpoints = accounts.map((a) => `https://${a}.dkr.ecr.${region}.amazonaws.com`);
      // ECR hands out one token valid for every registry asked about.
      const authorizationData = token.proxyEndpoints.map((proxyEndpoint) => ({
        authorizationToken: token.authorizationToken,
        expiresAt: token.expiresAt,
        proxyEndpoint,
      }));
      return send(res, 200, ct, JSON.stringify({ authorizationData }));
    }
    // ECR Public's authorizationData is a single object, not a list, and has no proxyEndpoint.
    if (fault === 'empty') return send(res, 200, ct, '{"authorizationData":{}}');
    const token = issueToken('ecr-public', call, fault === 'oversized');
    send(res, 200, ct, JSON.stringify({ authorizationData: { authorizationToken: token.authorizationToken, expiresAt: token.expiresAt } }));
  }

  function callerIdentity(accessKeyId: string | undefined): { arn: string; userId: string; account: string } {
    const known = accessKeyId ? principals.get(accessKeyId) : undefined;
    if (known) return known;
    const key = accessKeyId ?? 'anonymous';
    return { arn: `arn:aws:iam::${account}:user/${key}`, userId: `AIDAFAKE${upperId(key, 13)}`, account };
  }

  function assumeRole(call: FakeCall, extra: Pick<AssumedRole, 'subject' | 'audience' | 'issuer' | 'mfaSerialNumber'> = {}): AssumedRole {
    const n = ++roleCounter;
    const roleArn = String(call.body.RoleArn ?? `arn:aws:iam::${account}:role/unnamed`);
    const roleSessionName = String(call.body.RoleSessionName ?? 'session');
    const { account: roleAccount, name: roleName } = roleParts(roleArn, account);
    const durationParam = Number(call.body.DurationSeconds);
    const lifetime = lifetimes.get('sts') ?? (durationParam > 0 ? durationParam : DEFAULT_STS_LIFETIME_SECONDS);
    // 20 characters like a real ASIA key: 'ASIAFAKEROLE' + 8 digits.
    const accessKeyId = `ASIAFAKEROLE${String(n).padStart(8, '0')}`;
    const arn = `arn:aws:sts::${roleAccount}:assumed-role/${roleName}/${roleSessionName}`;
    const action = call.action === 'AssumeRoleWithWebIdentity' ? 'AssumeRoleWithWebIdentity' : 'AssumeRole';
    const defined = Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined));
    const role: AssumedRole = {
      action,
      roleArn,
      roleSessionName,
      ...(typeof call.body.ExternalId === 'string' ? { externalId: call.body.ExternalId } : {}),
      ...(call.accessKeyId ? { callerAccessKeyId: call.accessKeyId } : {}),
      accessKeyId,
      secretAccessKey: randomSecret(40),
      sessionToken: `FwoGZXIvYXdzEFAKE${n}${randomSecret(120)}`,
      expiration: new Date(awsNow() + lifetime * 1000),
      arn,
      ...defined,
      at: Date.now(),
    };
    principals.set(accessKeyId, {
      accessKeyId,
      source: action,
      roleArn,
      roleSessionName,
      arn,
      userId: `AROAFAKE${upperId(roleArn, 13)}:${roleSessionName}`,
      account: roleAccount,
      ...(extra.subject !== undefined ? { subject: extra.subject } : {}),
      ...(role.callerAccessKeyId !== undefined ? { callerAccessKeyId: role.callerAccessKeyId } : {}),
      ...(extra.mfaSerialNumber !== undefined ? { mfaSerialNumber: extra.mfaSerialNumber } : {}),
    });
    assumedRoles.push(role);
    return role;
  }

  const denied = (message: string): ErrorSpec => ({ status: 403, code: 'AccessDenied', message, type: 'Sender' });

  /** The trust policy of AssumeRoleWithWebIdentity: the claims that passed, or the error STS gives. */
  function checkWebIdentity(call: FakeCall): { error: ErrorSpec } | { subject: string; audience: string; issuer: string } {
    const roleArn = String(call.body.RoleArn ?? '');
    const record: WebIdentityCall = { roleArn, roleSessionName: String(call.body.RoleSessionName ?? ''), outcome: 'ok', at: Date.now() };
    webIdentityCalls.push(record);
    const refuse = (error: ErrorSpec): { error: ErrorSpec } => {
      record.outcome = error.code as WebIdentityCall['outcome'];
      return { error };
    };
    const token = call.body.WebIdentityToken;
    if (typeof token !== 'string') {
      return refuse({
        status: 400,
        code: 'ValidationError',
        message: "1 validation error detected: Value null at 'webIdentityToken' failed to satisfy constraint: Member must not be null",
        type: 'Sender',
      });
    }
    const claims = decodeWebIdentityToken(token);
    if (claims && typeof claims.sub === 'string') record.subject = claims.sub;
    if (claims && (typeof claims.aud === 'string' || Array.isArray(claims.aud))) record.audience = claims.aud as string | string[];
    if (claims && typeof claims.iss === 'string') record.issuer = claims.iss;
    if (!claims || typeof claims.iss !== 'string' || typeof claims.sub !== 'string') {
      return refuse({
        status: 400,
        code: 'InvalidIdentityToken',
        message: 'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.',
        type: 'Sender',
      });
    }
    const { iss, sub } = claims;
    // The account's OIDC providers: every issuer some role trusts, and the default one.
    const providers = new Set([DEFAULT_OIDC_ISSUER, ...[...webTrust.values()].map((t) => t.issuer ?? DEFAULT_OIDC_ISSUER)].map(withoutScheme));
    if (!providers.has(withoutScheme(iss))) {
      return refuse({ status: 400, code: 'InvalidIdentityToken', message: `No OpenIDConnect provider found in your account for ${iss}`, type: 'Sender' });
    }
    const nowSeconds = Math.floor(awsNow() / 1000);
    if (typeof claims.exp === 'number' && claims.exp <= nowSeconds) {
      return refuse({
        status: 400,
        code: 'ExpiredTokenException',
        // Sic: AWS prints no space before the second number.
        message: `Token expired: current date/time ${nowSeconds} must be before the expiration date/time${Math.floor(claims.exp)}`,
        type: 'Sender',
      });
    }
    const trust = webTrust.get(roleArn);
    const auds = (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).filter((a): a is string => typeof a === 'string');
    const audience = auds.find((a) => stringLike(trust?.audience ?? DEFAULT_WEB_IDENTITY_AUDIENCE, a));
    const trusted =
      trust !== undefined &&
      withoutScheme(trust.issuer ?? DEFAULT_OIDC_ISSUER) === withoutScheme(iss) &&
      audience !== undefined &&
      trust.subjects.some((pattern) => stringLike(pattern, sub));
    if (!trusted) return refuse(denied('Not authorized to perform sts:AssumeRoleWithWebIdentity'));
    return { subject: sub, audience: audience, issuer: iss };
  }

  /** A role's MFA requirement: undefined when AssumeRole may go ahead, else STS's refusal. */
  function checkMfa(call: FakeCall): ErrorSpec | undefined {
    const roleArn = String(call.body.RoleArn ?? '');
    const rule = mfaRules.get(roleArn);
    if (!rule) return undefined;
    const serial = typeof call.body.SerialNumber === 'string' && call.body.SerialNumber ? call.body.SerialNumber : undefined;
    const code = typeof call.body.TokenCode === 'string' && call.body.TokenCode ? call.body.TokenCode : undefined;
    const record: MfaCall = {
      roleArn,
      ...(serial !== undefined ? { serialNumber: serial } : {}),
      ...(code !== undefined ? { tokenCode: code } : {}),
      ...(call.accessKeyId !== undefined ? { callerAccessKeyId: call.accessKeyId } : {}),
      outcome: 'ok',
      at: Date.now(),
    };
    mfaCalls.push(record);
    const refuse = (outcome: MfaCall['outcome'], message: string): ErrorSpec => {
      record.outcome = outcome;
      return denied(message);
    };
    // The trust policy's aws:MultiFactorAuthPresent condition fails: a plain refusal naming the role.
    if (serial === undefined && code === undefined) {
      return refuse('missing', `User: ${callerIdentity(call.accessKeyId).arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
    }
    if (serial === undefined || code === undefined) {
      return refuse('incomplete', 'MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.');
    }
    if (serial !== rule.serialNumber) {
      return refuse('invalid-serial', 'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.');
    }
    if (code !== rule.code) return refuse('invalid-code', 'MultiFactorAuthentication failed with invalid MFA one time pass code.');
    if (rule.used.has(code) && !rule.allowReuse) return refuse('reused-code', 'MultiFactorAuthentication failed with invalid MFA one time pass code.');
    rule.used.add(code);
    return undefined;
  }

  function answerSts(res: http.ServerResponse, call: FakeCall, fault: Fault | undefined): void {
    const query = call.protocol === 'query';
    const action = call.action;
    if (action !== 'AssumeRole' && action !== 'AssumeRoleWithWebIdentity' && action !== 'GetCallerIdentity') {
      sendError(res, call, { status: 400, code: 'InvalidAction', message: `fake-aws does not implement ${action}`, type: 'Sender' });
      return;
    }
    const reply = (resultXml: string, resultJson: Record<string, unknown>): void => {
      if (query) {
        const xml =
          `<${action}Response xmlns="${STS_XML_NAMESPACE}"><${action}Result>${resultXml}</${action}Result>` +
          `<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></${action}Response>`;
        send(res, 200, 'text/xml', xml);
      } else {
        send(res, 200, jsonContentType('sts'), JSON.stringify(resultJson));
      }
    };
    if (fault === 'malformed') {
      if (query) return send(res, 200, 'text/xml', `<${action}Response xmlns="${STS_XML_NAMESPACE}"><${action}Result><Cred`);
      return send(res, 200, jsonContentType('sts'), '{"Credentials":{"AccessKeyId":"ASIA');
    }
    if (fault === 'empty') return reply('', {});
    if (action === 'GetCallerIdentity') {
      const who = callerIdentity(call.accessKeyId);
      const fields = { Arn: who.arn, UserId: who.userId, Account: who.account };
      return reply(xmlFields(fields), fields);
    }
    const sessionProblem = sessionNameProblem(String(call.body.RoleSessionName ?? ''));
    if (sessionProblem) {
      if (action === 'AssumeRoleWithWebIdentity') {
        webIdentityCalls.push({ roleArn: String(call.body.RoleArn ?? ''), roleSessionName: String(call.body.RoleSessionName ?? ''), outcome: 'ValidationError', at: Date.now() });
      }
      return sendError(res, call, { status: 400, code: 'ValidationError', message: sessionProblem, type: 'Sender' });
    }
    let role: AssumedRole;
    if (action === 'AssumeRoleWithWebIdentity') {
      const verdict = checkWebIdentity(call);
      if ('error' in verdict) return sendError(res, call, verdict.error);
      role = assumeRole(call, verdict);
      webIdentityCalls.at(-1)!.accessKeyId = role.accessKeyId;
    } else {
      const refusal = checkMfa(call);
      if (refusal) return sendError(res, call, refusal);
      role = assumeRole(call, mfaRules.has(String(call.body.RoleArn ?? '')) ? { mfaSerialNumber: String(call.body.SerialNumber) } : {});
    }
    if (fault === 'oversized') role.sessionToken += 'x'.repeat(OVERSIZED_BYTES);
    const creds = {
      AccessKeyId: role.accessKeyId,
      SecretAccessKey: role.secretAccessKey,
      SessionToken: role.sessionToken,
    };
    const user = { Arn: role.arn, AssumedRoleId: principals.get(role.accessKeyId)?.userId ?? '' };
    const webIdentity =
      action === 'AssumeRoleWithWebIdentity'
        ? { SubjectFromWebIdentityToken: role.subject, Audience: role.audience, Provider: role.issuer }
        : {};
    reply(
      `<Credentials>${xmlFields({ ...creds, Expiration: isoSeconds(role.expiration) })}</Credentials>` +
        `${xmlFields({ SubjectFromWebIdentityToken: webIdentity.SubjectFromWebIdentityToken })}` +
        `<AssumedRoleUser>${xmlFields(user)}</AssumedRoleUser>${xmlFields({ Provider: webIdentity.Provider, Audience: webIdentity.Audience })}`,
      { Credentials: { ...creds, Expiration: role.expiration.getTime() / 1000 }, AssumedRoleUser: user, ...webIdentity },
    );
  }

  // ---------------------------------------------------------------- dispatch

  function classify(req: http.IncomingMessage, rawBody: string, id: Identity): Pick<FakeCall, 'service' | 'action' | 'target' | 'protocol' | 'body'> {
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string' && target.includes('.')) {
      const [prefix, action] = [target.slice(0, target.lastIndexOf('.')), target.slice(target.lastIndexOf('.') + 1)];
      let body: Record<string, unknown> = {};
      try {
        const parsed: unknown = rawBody ? JSON.parse(rawBody) : {};
        body = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { value: parsed };
      } catch {
        body = { raw: rawBody };
      }
      const service: Service | 'unknown' =
        prefix === ECR_TARGET_PREFIX ? 'ecr' : prefix === ECR_PUBLIC_TARGET_PREFIX ? 'ecr-public' : prefix === STS_JSON_TARGET_PREFIX ? 'sts' : 'unknown';
      return { service, action, target, protocol: 'json', body };
    }
    const params = new URLSearchParams(rawBody);
    const url = new URL(req.url ?? '/', 'http://fake');
    if (!params.has('Action')) url.searchParams.forEach((v, k) => params.append(k, v));
    const body: Record<string, unknown> = Object.fromEntries(params);
    const action = params.get('Action') ?? '';
    // The Action name alone does not say which service; the signing scope does.
    const service: Service | 'unknown' = id.signingService === 'sts' || /^(AssumeRole|GetCallerIdentity|GetSessionToken)/.test(action) ? 'sts' : 'unknown';
    return { service, action, protocol: 'query', body };
  }

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, tunnel: Tunnel): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        res.writeHead(413).end();
        return;
      }
      chunks.push(chunk);
    }
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const id = parseAuthorization(req.headers);
    const kind = classify(req, rawBody, id);
    const call: FakeCall = {
      ...kind,
      ...(id.region !== undefined ? { region: id.region } : {}),
      ...(id.signingService !== undefined ? { signingService: id.signingService } : {}),
      ...(id.accessKeyId !== undefined ? { accessKeyId: id.accessKeyId } : {}),
      ...(id.sessionToken !== undefined ? { sessionToken: id.sessionToken } : {}),
      host: req.headers.host ?? '',
      at: Date.now(),
      viaProxy: tunnel.viaProxy,
      ...(tunnel.connectTarget !== undefined ? { connectTarget: tunnel.connectTarget } : {}),
      ...(typeof req.headers['user-agent'] === 'string' ? { userAgent: req.headers['user-agent'] } : {}),
    };
    calls.push(call);

    if (call.service === 'unknown') {
      sendError(res, call, { status: 400, code: 'UnknownOperationException', message: `fake-aws cannot tell which service ${req.headers['x-amz-target'] ?? call.action} is`, type: 'Sender' });
      return;
    }
    // AWS checks the signing time against its own clock before anything else (and before faults,
    // which stand for later stages). The SDK corrects its clock from this answer's Date and retries.
    const signedAt = typeof req.headers['x-amz-date'] === 'string' ? parseAmzDate(req.headers['x-amz-date']) : undefined;
    if (signedAt !== undefined && Math.abs(signedAt - awsNow()) > SIGNATURE_WINDOW_MS) {
      const sts = call.service === 'sts';
      return sendError(res, call, {
        status: sts ? 403 : 400,
        code: sts ? 'SignatureDoesNotMatch' : 'InvalidSignatureException',
        message: signatureTimeMessage(signedAt, awsNow()),
        type: 'Sender',
      });
    }
    const fault = takeFault(call.service);
    if (fault !== undefined) call.fault = fault;
    if (fault === 'hang') return; // close() destroys the socket.
    if (fault === 'proxy-refusal') {
      call.error = 'proxy-refusal';
      return send(res, 403, 'text/html', '<html><head><title>Access Denied</title></head><body><h1>Access Denied</h1><p>Your request to this site has been blocked by the network policy.</p></body></html>');
    }
    if (typeof fault === 'object') {
      await delay(fault.slow);
      if (closed) return;
    }
    const error = fault === undefined ? undefined : faultError(call, fault);
    if (error) return sendError(res, call, error);
    // AWS rejects unsigned calls before anything else; the fake does too, so a helper that forgot
    // to sign cannot pass. AssumeRoleWithWebIdentity is the one unsigned action.
    if (!call.accessKeyId && call.action !== 'AssumeRoleWithWebIdentity') {
      const sts = call.service === 'sts';
      return sendError(res, call, {
        status: sts ? 403 : 400,
        code: sts ? 'MissingAuthenticationToken' : 'MissingAuthenticationTokenException',
        message: 'Missing Authentication Token',
        type: 'Sender',
      });
    }
    if (call.service === 'sts') answerSts(res, call, fault);
    else answerEcr(res, call, fault);
  }

  /** GET containerCredentialsUrl, as the SDK's fromHttp / fromContainerMetadata ask EKS Pod Identity or ECS. */
  async function handleContainer(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    for await (const _chunk of req as AsyncIterable<Buffer>) {
      // Drained, unused: the endpoint takes no body.
    }
    const auth = req.headers.authorization;
    const record: ContainerCredentialsCall = {
      method: req.method ?? '',
      path: req.url ?? '',
      ...(auth !== undefined ? { authorization: auth } : {}),
      status: 0,
      ...(typeof req.headers['user-agent'] === 'string' ? { userAgent: req.headers['user-agent'] } : {}),
      at: Date.now(),
    };
    containerCalls.push(record);
    const answer = (status: number, body: unknown): void => {
      record.status = status;
      send(res, status, 'application/json', typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (req.method !== 'GET') return answer(405, { Code: 'MethodNotAllowed', Message: `${req.method} is not allowed` });
    const fault = takeFault('container');
    if (fault !== undefined) record.fault = fault;
    if (fault === 'hang') return; // close() destroys the socket.
    if (typeof fault === 'object') {
      await delay(fault.slow);
      if (closed) return;
    }
    if (fault === 'http-500') return answer(500, { Code: 'InternalServerError', Message: 'fake-aws: injected failure' });
    if (fault === 'throttle') return answer(429, { Code: 'ThrottlingException', Message: 'Rate exceeded' });
    if (fault === 'access-denied') return answer(403, { Code: 'AccessDeniedException', Message: `Not authorized to assume ${container.roleArn}` });
    if (fault === 'malformed') return answer(200, '{"AccessKeyId":"ASIA');
    if (fault === 'empty') return answer(200, {});
    if (auth === undefined || auth === '') {
      return answer(401, { Code: 'Unauthorized', Message: 'Authorization header is missing' });
    }
    if (auth !== container.authorizationToken) {
      return answer(403, { Code: 'AccessDeniedException', Message: 'The Authorization token is not valid' });
    }
    const n = ++containerCounter;
    const accessKeyId = `ASIAFAKECONT${String(n).padStart(8, '0')}`;
    const { account: roleAccount, name: roleName } = roleParts(container.roleArn, account);
    const roleSessionName = `${container.sessionName}-${n}`;
    const arn = `arn:aws:sts::${roleAccount}:assumed-role/${roleName}/${roleSessionName}`;
    principals.set(accessKeyId, {
      accessKeyId,
      source: 'container',
      roleArn: container.roleArn,
      roleSessionName,
      arn,
      userId: `AROAFAKE${upperId(container.roleArn, 13)}:${roleSessionName}`,
      account: roleAccount,
    });
    record.accessKeyId = accessKeyId;
    const lifetime = fault === 'expired-credentials' ? -60 : container.lifetimeSeconds;
    answer(200, {
      AccessKeyId: accessKeyId,
      SecretAccessKey: randomSecret(40),
      Token: `IQoJb3JpZ2luX2VjEFAKE${n}${randomSecret(120)}`,
      AccountId: roleAccount,
      Expiration: isoSeconds(new Date(awsNow() + lifetime * 1000)),
    });
  }

  function proxyHttp(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '');
    proxyRequests.push(url.href);
    const port = routes.get(`${url.hostname}:${url.port || '80'}`);
    if (port === undefined) {
      void handleApi(req, res, { viaProxy: true }).catch(() => res.destroy());
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-connection'];
    delete headers['proxy-authorization'];
    const upstream = http.request({ host: '127.0.0.1', port, method: req.method, path: url.pathname + url.search, headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  }

  function handleControl(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      let input: Record<string, unknown> = {};
      try {
        input = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
      } catch {
        return send(res, 400, 'application/json', '{"error":"body is not JSON"}');
      }
      const service = input.service as FaultTarget | undefined;
      if (service !== undefined && !FAULT_TARGETS.includes(service)) return send(res, 400, 'application/json', '{"error":"unknown service"}');
      try {
        if (path === '/__fake/calls') {
          // Oversized secrets are cut so the dump stays readable.
          const clip = (_key: string, v: unknown): unknown => (typeof v === 'string' && v.length > 4096 ? `${v.slice(0, 64)}...(${v.length} chars)` : v);
          return send(
            res,
            200,
            'application/json',
            JSON.stringify({ calls, connects, proxyRequests, issued, assumedRoles, webIdentityCalls, mfaCalls, containerCalls }, clip),
          );
        }
        if (path === '/__fake/principal') return send(res, 200, 'application/json', JSON.stringify(fake.principalFor(String(input.accessKeyId)) ?? null));
        if (path === '/__fake/reset') fake.reset();
        else if (path === '/__fake/fail' && service) fake.fail(service, input.fault as Fault, typeof input.times === 'number' ? { times: input.times } : {});
        else if (path === '/__fake/lifetime' && typeof input.seconds === 'number') fake.setTokenLifetime(input.seconds, service as Service | undefined);
        else if (path === '/__fake/trust-web-identity' && typeof input.roleArn === 'string') fake.trustWebIdentity(input.roleArn, input as unknown as WebIdentityTrust);
        else if (path === '/__fake/require-mfa' && typeof input.roleArn === 'string') fake.requireMfa(input.roleArn, input as unknown as MfaRequirement);
        else if (path === '/__fake/container-credentials') fake.setContainerCredentials(input);
        else if (path === '/__fake/clock' && typeof input.offsetMs === 'number') fake.setClockOffset(input.offsetMs);
        else if (path === '/__fake/route' && typeof input.target === 'string' && typeof input.port === 'number') fake.route(input.target, { port: input.port });
        else return send(res, 404, 'application/json', '{"error":"unknown control"}');
        send(res, 200, 'application/json', '{"ok":true}');
      } catch (err) {
        send(res, 400, 'application/json', JSON.stringify({ error: String(err) }));
      }
    });
  }

  // Requests arriving inside CONNECT tunnels are handed to this unbound server.
  const tunnelServer = http.createServer((req, res) => {
    const tunnel = tunnels.get(req.socket) ?? { viaProxy: true };
    void handleApi(req, res, tunnel).catch(() => res.destroy());
  });
  tunnelServer.on('clientError', (_err, socket) => socket.destroy());

  const server = http.createServer((req, res) => {
    if (/^https?:\/\//i.test(req.url ?? '')) return proxyHttp(req, res);
    if (req.url?.startsWith('/__fake/')) return handleControl(req, res);
    if (new URL(req.url ?? '/', 'http://fake').pathname === CONTAINER_CREDENTIALS_PATH) {
      void handleContainer(req, res).catch(() => res.destroy());
      return;
    }
    void handleApi(req, res, { viaProxy: false }).catch(() => res.destroy());
  });
  server.on('connection', track);
  server.on('clientError', (_err, socket) => socket.destroy());
  server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const target = req.url ?? '';
    connects.push(target);
    const connectFault = connectFaults.get(target.replace(/:\d+$/, ''));
    if (connectFault === 'refuse') {
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-type: text/html\r\ncontent-length: 45\r\n\r\n<html><body>Blocked by policy</body></html>\r\n');
      return;
    }
    if (connectFault === 'reset') {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      socket.resetAndDestroy();
      return;
    }
    const routedPort = routes.get(target);
    if (routedPort !== undefined) {
      const upstream = net.connect(routedPort, '127.0.0.1');
      track(upstream);
      upstream.once('error', () => {
        if (socket.writable) socket.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n');
      });
      upstream.once('connect', () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length) upstream.write(head);
        socket.pipe(upstream);
        upstream.pipe(socket);
      });
      socket.once('close', () => upstream.destroy());
      return;
    }
    const hostMatch = target.match(/^\[?([^\]]*?)\]?:\d+$/);
    const host = hostMatch?.[1] ?? target;
    let context: tls.SecureContext;
    try {
      context = secureContextFor(host);
    } catch {
      socket.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    // Clients wait for the 200 before starting TLS, so head is empty in practice.
    if (head.length) socket.unshift(head);
    const tlsSocket = new tls.TLSSocket(socket, {
      isServer: true,
      secureContext: context,
      // A certificate for the SNI name if it differs from the CONNECT host (it normally does not).
      SNICallback: (servername, cb) => {
        try {
          cb(null, secureContextFor(servername));
        } catch (err) {
          cb(err as Error);
        }
      },
    });
    track(tlsSocket);
    tunnels.set(tlsSocket, { viaProxy: true, connectTarget: target });
    tunnelServer.emit('connection', tlsSocket);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (err: unknown) => {
    await blackHole.close();
    throw err;
  });
  const port = (server.address() as net.AddressInfo).port;

  const fake: FakeAws = {
    url: `http://127.0.0.1:${port}`,
    port,
    caFile: ca.certFile,
    calls,
    connects,
    proxyRequests,
    issued,
    ecr: { addRepository: (...a) => catalogue.addRepository(...a), addPullThroughRule: (...a) => catalogue.addPullThroughRule(...a), deny: (a) => catalogue.deny(a), reset: () => catalogue.reset() },
    setTokenPassword(password) {
      fixedPassword = password;
    },
    assumedRoles,
    webIdentityCalls,
    mfaCalls,
    containerCalls,
    containerCredentialsUrl: `http://127.0.0.1:${port}${CONTAINER_CREDENTIALS_PATH}`,
    get containerAuthorizationToken() {
      return container.authorizationToken;
    },
    blackHoleUrl: blackHole.url,
    blackHole,
    get clockOffsetMs() {
      return clockOffsetMs;
    },
    callsFor: (service) => calls.filter((c) => c.service === service),
    setTokenLifetime(seconds, service) {
      if (!Number.isFinite(seconds)) throw new Error(`setTokenLifetime: ${seconds} is not a number of seconds`);
      for (const s of service ? [service] : (['ecr', 'ecr-public'] as const)) lifetimes.set(s, seconds);
    },
    fail(service, fault, failOpts = {}) {
      if (!FAULT_TARGETS.includes(service)) throw new Error(`fail: unknown service ${String(service)}`);
      const valid = typeof fault === 'object' ? Number.isFinite(fault.slow) && fault.slow >= 0 : NAMED_FAULTS.includes(fault);
      if (!valid) throw new Error(`fail: unknown fault ${faultLabel(fault)}`);
      if (service === 'container' && typeof fault === 'string' && !CONTAINER_FAULTS.includes(fault)) {
        throw new Error(`fail: the container endpoint has no ${fault} fault (it has ${CONTAINER_FAULTS.join(', ')}, slow)`);
      }
      const times = failOpts.times ?? Infinity;
      if (!(times > 0)) throw new Error(`fail: times must be positive, got ${times}`);
      const queue = faults.get(service) ?? [];
      queue.push({ fault, remaining: times });
      faults.set(service, queue);
    },
    route(target, to) {
      routes.set(target, to.port);
    },
    connectFault(host, fault) {
      connectFaults.set(host, fault);
    },
    trustWebIdentity(roleArn, trust) {
      if (!Array.isArray(trust?.subjects) || trust.subjects.length === 0 || !trust.subjects.every((x) => typeof x === 'string')) {
        throw new Error('trustWebIdentity: subjects must be a non-empty list of strings (use [\'*\'] for any)');
      }
      webTrust.set(roleArn, { ...trust, subjects: [...trust.subjects] });
    },
    requireMfa(roleArn, mfa) {
      if (typeof mfa?.serialNumber !== 'string' || typeof mfa.code !== 'string') throw new Error('requireMfa: serialNumber and code are strings');
      mfaRules.set(roleArn, { ...mfa, used: new Set() });
    },
    setContainerCredentials(opts) {
      const defined = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as ContainerCredentialsOptions;
      if (defined.authorizationToken !== undefined && /[\r\n]/.test(defined.authorizationToken)) {
        throw new Error('setContainerCredentials: an HTTP header cannot carry CR or LF');
      }
      container = { ...container, ...defined };
    },
    setClockOffset(ms) {
      if (!Number.isFinite(ms)) throw new Error(`setClockOffset: ${ms} is not a number of milliseconds`);
      clockOffsetMs = ms;
    },
    awsNow,
    principalFor(accessKeyId) {
      return accessKeyId === undefined ? undefined : principals.get(accessKeyId);
    },
    reset() {
      calls.length = 0;
      connects.length = 0;
      proxyRequests.length = 0;
      issued.length = 0;
      assumedRoles.length = 0;
      webIdentityCalls.length = 0;
      mfaCalls.length = 0;
      containerCalls.length = 0;
      faults.clear();
      connectFaults.clear();
      catalogue.reset();
      fixedPassword = undefined;
      lifetimes.clear();
      webTrust.clear();
      mfaRules.clear();
      container = containerDefaults();
      clockOffsetMs = 0;
      blackHole.reset();
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      await blackHole.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownTmp) rmSync(dir, { recursive: true, force: true });
    },
  };
  return fake;
}

/** Reads the CA so a client can trust the tunnel certificates (e.g. HttpsProxyAgent's `ca`). */
export function readCa(fake: Pick<FakeAws, 'caFile'>): string {
  return readFileSync(fake.caFile, 'utf8');
}

async function main(argv: string[]): Promise<void> {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const portArg = arg('--port');
  const accountArg = arg('--account');
  const fake = await startFakeAws({
    ...(portArg !== undefined ? { port: Number(portArg) } : {}),
    ...(accountArg !== undefined ? { account: accountArg } : {}),
  });
  const info = {
    url: fake.url,
    port: fake.port,
    caFile: fake.caFile,
    containerCredentialsUrl: fake.containerCredentialsUrl,
    containerAuthorizationToken: fake.containerAuthorizationToken,
    blackHoleUrl: fake.blackHoleUrl,
  };
  process.stdout.write(`${JSON.stringify(info)}\n`);
  const stop = (): void => {
    void fake.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
