// The failure catalogue: the error each named fault stands for, in the dialect of the call's service. STS has
// its own codes and statuses for the same conditions; ECR and ECR Public share AWS JSON's.
import type { FakeCall } from './recorded-calls';
import type { Fault } from './faults';
import type { ErrorSpec } from './responses';
import { signatureTimeMessage } from './signature';

/** The error fault answers call with; undefined for faults that are not an AWS error (malformed, hang...). */
export function faultError(call: FakeCall, fault: Fault, account: string, awsNow: number): ErrorSpec | undefined {
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
      return {
        status: 400,
        code: sts ? 'Throttling' : 'ThrottlingException',
        message: 'Rate exceeded',
        type: 'Sender',
      };
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
        message: signatureTimeMessage(Date.UTC(2020, 0, 1), awsNow),
        type: 'Sender',
      };
    default:
      return undefined;
  }
}
