// A fake of the few AWS APIs the credential helper calls (ECR and ECR Public GetAuthorizationToken,
// STS AssumeRole / AssumeRoleWithWebIdentity / GetCallerIdentity), served on 127.0.0.1 so tests can
// drive the real AWS SDK v3 code path through AWS_ENDPOINT_URL_*. The same port is an HTTPS proxy that
// serves the fake under the real AWS host names, a container-credentials endpoint, and has a black hole
// beside it. Its parts are in fake-aws/, one concept a file; this index is the API tests import.
//
// Wire formats follow what the installed SDK sends and parses:
// - ECR / ECR Public: AWS JSON 1.1, `POST /` with X-Amz-Target, errors as {"__type","message"} plus
//   the x-amzn-errortype header.
// - STS: awsQuery (form-encoded Action=...&Version=2011-06-15, XML responses and XML errors). Both
//   @aws-sdk/client-sts and @aws-sdk/nested-clients/sts use it. The STS model also allows
//   awsJson1_0 (target AWSSecurityTokenServiceV20110615.*), which future SDKs may switch to, so
//   that is accepted as well.
//
// Standalone: `node --import tsx test/support/fake-aws.ts [--port N] [--account ID]` prints
// {"url","port","caFile","containerCredentialsUrl","containerAuthorizationToken","blackHoleUrl"} as one
// JSON line and serves until SIGINT/SIGTERM (fake-aws/standalone.ts).
import { runStandalone } from './fake-aws/standalone';

export * from './fake-aws/constants';
export type { FakeAws, StartOptions } from './fake-aws/fake-aws-handle';
export { startFakeAws, readCa } from './fake-aws/server';
export type { Fault, FaultTarget, ConnectFault } from './fake-aws/faults';
export type {
  FakeCall,
  IssuedToken,
  AssumedRole,
  WebIdentityCall,
  MfaCall,
  ContainerCredentialsCall,
} from './fake-aws/recorded-calls';
export type { Principal } from './fake-aws/principals';
export type { WebIdentityTrust } from './fake-aws/web-identity-trust';
export type { MfaRequirement } from './fake-aws/mfa';
export type { ContainerCredentialsOptions } from './fake-aws/container-credentials';
export { parseAuthorization, type Identity } from './fake-aws/signature';
export { makeWebIdentityToken, decodeWebIdentityToken, type WebIdentityClaims } from './fake-aws/web-identity-token';

if (require.main === module) {
  runStandalone(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
