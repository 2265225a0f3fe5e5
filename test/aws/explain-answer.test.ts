// classify() for what a service answered instead of a token (src/aws/explain-answer.ts), with the errors the AWS
// SDK really throws: access denied (naming the IAM actions of the API called), throttled, a server error after
// retries, a body that is not a token.
import { describe, test } from 'node:test';
import { ECRPUBLICServiceException } from '@aws-sdk/client-ecr-public';
import { assertClass, ecrError, PRIVATE, PUBLIC, stsError, WITH_PROFILE } from './sdk-errors';

describe('classify: one mapping each', () => {
  test('an AccessDenied for an SSO role is about IAM, not the session', () => {
    const error = ecrError(
      'AccessDeniedException',
      400,
      'User: arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_ReadOnly_0123456789abcdef/me is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action',
    );
    assertClass(error, WITH_PROFILE, 'access-denied', 'ecr:GetAuthorizationToken');
  });

  test('AccessDenied names the IAM actions of the API called', () => {
    const denied = (action: string): string =>
      `User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ${action} on resource: * because no identity-based policy allows the ${action} action`;
    assertClass(
      ecrError('AccessDeniedException', 400, denied('ecr:GetAuthorizationToken')),
      PRIVATE,
      'access-denied',
      'needs IAM permission ecr:GetAuthorizationToken',
    );
    assertClass(
      new ECRPUBLICServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: denied('ecr-public:GetAuthorizationToken'),
      }),
      PUBLIC,
      'access-denied',
      'ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken',
    );
    // ECR Public's token needs a bearer token from STS first; that refusal names the STS action.
    assertClass(
      stsError('AccessDenied', 403, denied('sts:GetServiceBearerToken')),
      PUBLIC,
      'access-denied',
      'sts:GetServiceBearerToken',
    );
    // A configured roleArn that may not be assumed: the action (and the trust policy) to fix.
    assertClass(
      stsError('AccessDenied', 403, denied('sts:AssumeRole')),
      PRIVATE,
      'access-denied',
      "sts:AssumeRole (and the role's trust policy must allow it)",
    );
  });

  test("throttling, after the SDK's own retries", () => {
    assertClass(ecrError('ThrottlingException', 400, 'Rate exceeded'), PRIVATE, 'throttled', 'retry in a few seconds');
    assertClass(stsError('Throttling', 400, 'Rate exceeded'), PRIVATE, 'throttled', 'retry in a few seconds');
  });

  test('5xx after retries: the AWS health page', () => {
    assertClass(
      ecrError('ServerException', 500, 'We encountered an internal error. Please try again.'),
      PRIVATE,
      'server-error',
      'https://health.aws.amazon.com',
    );
    assertClass(stsError('InternalFailure', 500, 'internal'), PRIVATE, 'server-error', 'https://health.aws.amazon.com');
  });

  test('a response that is not a token: check what answers at the endpoint', () => {
    const syntax = Object.assign(
      new SyntaxError(
        'Unterminated string in JSON at position 54\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.',
      ),
      {
        $metadata: { httpStatusCode: 200 },
      },
    );
    assertClass(syntax, PRIVATE, 'bad-response', 'AWS_ENDPOINT_URL_ECR');
  });
});
