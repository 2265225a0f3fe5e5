// FakeAws: what a test holds once the fake runs (startFakeAws in server.ts). The recorded lists to assert on, the
// addresses to point a client at, and the methods that set up what AWS answers next.
import type { BlackHole } from '../fake-black-hole';
import type { FakeEcrCatalogue } from '../fake-ecr-catalogue';
import type { Service } from './constants';
import type { ContainerCredentialsOptions } from './container-credentials';
import type { ConnectFault, Fault, FaultTarget } from './faults';
import type { MfaRequirement } from './mfa';
import type { Principal } from './principals';
import type { RecordedCalls } from './recorded-calls';
import type { WebIdentityTrust } from './web-identity-trust';

export interface FakeAws extends RecordedCalls {
  /** http://127.0.0.1:<port>: the API endpoint and the proxy URL. */
  url: string;
  port: number;
  /** PEM of the CA that signs the tunnel certificates. */
  caFile: string;
  /** http://127.0.0.1:<port>/v1/credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI. */
  containerCredentialsUrl: string;
  /** The Authorization value the container endpoint currently accepts (random unless set). */
  readonly containerAuthorizationToken: string;
  /** http://127.0.0.1:<port> of a listener that accepts and never answers; closed with the fake. */
  blackHoleUrl: string;
  blackHole: BlackHole;
  /** Offset of the fake's clock ("AWS time") from the local clock, in ms. */
  readonly clockOffsetMs: number;
  callsFor(service: Service): RecordedCalls['calls'];
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
