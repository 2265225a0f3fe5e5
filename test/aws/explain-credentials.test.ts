// classify() for a failure of the credentials themselves (src/aws/explain-credentials.ts), with the errors the AWS
// SDK really throws: an SSO session over, keys expired, none found, a profile missing, keys unknown or signing
// wrongly, and a clock far enough off that every signature is refused.
import { describe, test } from 'node:test';
import { CredentialsProviderError, TokenProviderError } from '@smithy/core/config';
import {
  assertClass,
  ecrError,
  PRIVATE,
  SSO_REFRESH_CREDENTIALS,
  SSO_REFRESH_TOKEN,
  stsError,
  WITH_PROFILE,
} from './sdk-errors';

describe('classify: one mapping each', () => {
  test('SSO session expired (credential-provider-sso): aws sso login --profile', () => {
    const error = new CredentialsProviderError(
      `The SSO session associated with this profile has expired. ${SSO_REFRESH_CREDENTIALS}`,
      { tryNextLink: false },
    );
    assertClass(error, WITH_PROFILE, 'sso-expired', 'aws sso login --profile dev');
    assertClass(error, PRIVATE, 'sso-expired', '`aws sso login`');
  });

  test('SSO token expired or missing (token-providers), and a session the portal revoked', () => {
    assertClass(
      new TokenProviderError(`Token is expired. ${SSO_REFRESH_TOKEN}`, false),
      WITH_PROFILE,
      'sso-expired',
      'aws sso login --profile dev',
    );
    assertClass(
      new TokenProviderError(
        `The SSO session token associated with profile=dev was not found or is invalid. ${SSO_REFRESH_TOKEN}`,
        false,
      ),
      WITH_PROFILE,
      'sso-expired',
      'aws sso login --profile dev',
    );
    assertClass(
      new CredentialsProviderError(
        `The SSO session associated with this profile is invalid. ${SSO_REFRESH_CREDENTIALS}`,
        { tryNextLink: false },
      ),
      WITH_PROFILE,
      'sso-expired',
      'aws sso login --profile dev',
    );
    // credential-provider-sso wraps GetRoleCredentials' UnauthorizedException by passing the error as the message.
    const unauthorized = Object.assign(new Error('Session token not found or invalid'), {
      name: 'UnauthorizedException',
    });
    assertClass(
      new CredentialsProviderError(String(unauthorized), { tryNextLink: false }),
      WITH_PROFILE,
      'sso-expired',
      'aws sso login --profile dev',
    );
  });

  test('expired temporary credentials (ECR ExpiredTokenException, STS ExpiredToken)', () => {
    const message = 'The security token included in the request is expired';
    assertClass(
      ecrError('ExpiredTokenException', 400, message),
      PRIVATE,
      'expired-credentials',
      'renew AWS_SESSION_TOKEN',
    );
    assertClass(stsError('ExpiredToken', 403, message), PRIVATE, 'expired-credentials', 'renew AWS_SESSION_TOKEN');
    assertClass(
      ecrError('ExpiredTokenException', 400, message),
      WITH_PROFILE,
      'expired-credentials',
      'aws sso login --profile dev',
    );
  });

  test("no credentials anywhere (the default chain's last link)", () => {
    const error = new CredentialsProviderError('Could not load credentials from any providers', { tryNextLink: false });
    assertClass(error, PRIVATE, 'no-credentials', '`aws configure`');
  });

  test('a profile that does not exist', () => {
    assertClass(
      new TokenProviderError("Profile 'dev' could not be found in shared credentials file.", false),
      WITH_PROFILE,
      'profile-not-found',
      'aws configure --profile dev',
    );
    assertClass(
      new CredentialsProviderError('Profile dev was not found.'),
      WITH_PROFILE,
      'profile-not-found',
      'aws configure --profile dev',
    );
  });

  test('invalid credentials: unknown key id, or a secret that does not match it', () => {
    const invalid = 'The security token included in the request is invalid.';
    assertClass(
      ecrError('UnrecognizedClientException', 400, invalid),
      WITH_PROFILE,
      'invalid-credentials',
      'aws configure --profile dev',
    );
    assertClass(stsError('InvalidClientTokenId', 403, invalid), PRIVATE, 'invalid-credentials', '`aws configure`');
    const mismatch =
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
    assertClass(stsError('SignatureDoesNotMatch', 403, mismatch), PRIVATE, 'invalid-credentials', '`aws configure`');
    assertClass(
      ecrError('InvalidSignatureException', 400, mismatch),
      PRIVATE,
      'invalid-credentials',
      '`aws configure`',
    );
  });

  test('clock skew: timedatectl', () => {
    const message =
      'Signature expired: 20200101T120000Z is now earlier than 20261125T120000Z (20261125T120000Z - 5 min.)';
    assertClass(
      ecrError('InvalidSignatureException', 400, message),
      PRIVATE,
      'clock-skew',
      '`timedatectl set-ntp true`',
    );
    assertClass(
      stsError(
        'SignatureDoesNotMatch',
        403,
        'Signature not yet current: 20261125T130000Z is still later than 20261125T120500Z',
      ),
      PRIVATE,
      'clock-skew',
      '`timedatectl set-ntp true`',
    );
  });
});
