// The words for a failure of the credentials themselves: none found, a profile missing, an MFA code needed, an
// SSO session over, keys expired, unknown or signing wrongly. The SSO provider's own wrapped failures are
// explain-sso.ts's.
import { hostOs } from '../platform/host-os';
import type { Explanation, Failure } from './failure';

function loginCommand(profile: string | undefined): string {
  return profile ? `aws sso login --profile ${profile}` : 'aws sso login';
}

export function credentialsFailure({ name, message, status, context }: Failure): Explanation | undefined {
  const profileFlag = context.profile ? ` --profile ${context.profile}` : '';
  // Only errors without an HTTP status: those come from the credential chain. A service's answer can name SSO
  // too (an AccessDenied for role AWSReservedSSO_..., which also names GetAuthorizationToken) and is no session problem.
  // "UnauthorizedException: Session token not found or invalid" is the SSO portal refusing a revoked session.
  if (
    status === undefined &&
    ((/\bsso\b/i.test(message) && /(expired|invalid|refresh|sso login|token)/i.test(message)) ||
      /UnauthorizedException: Session token not found or invalid/.test(message))
  ) {
    return {
      category: 'sso-expired',
      cause: 'the AWS SSO session has expired or was never started',
      hint: `run \`${loginCommand(context.profile)}\``,
    };
  }
  if (/Profile .* (could not be found|not found)|could not be found or parsed/i.test(message)) {
    return {
      category: 'profile-not-found',
      cause: `AWS profile ${context.profile ?? '(default)'} was not found in the AWS config files`,
      hint: `check AWS_PROFILE and ~/.aws/config, or create it with \`aws configure${profileFlag}\``,
    };
  }
  if (/requires multi-factor authentication/i.test(message)) {
    return {
      category: 'mfa-required',
      cause: `profile ${context.profile ?? '(default)'} needs an MFA code (mfa_serial), and none can be asked for here`,
      hint: `run it at a terminal, or put a session in the environment first (AWS CLI v2): ${hostOs.sessionIntoEnvironmentCommand(context.profile)}`,
    };
  }
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return {
      category: 'no-credentials',
      cause: 'no AWS credentials were found (environment, profile, SSO, web identity, container or instance role)',
      hint: 'run `aws configure` or `aws sso login`, or set AWS_PROFILE',
    };
  }
  if (
    /ExpiredToken|RequestExpired/i.test(name) ||
    /security token included in the request is expired|token has expired/i.test(message)
  ) {
    return {
      category: 'expired-credentials',
      cause: `the AWS credentials (${context.identityLabel}) have expired`,
      hint: context.profile
        ? `refresh them: \`${loginCommand(context.profile)}\` for SSO, or renew the session behind profile ${context.profile}`
        : 'refresh them: renew AWS_SESSION_TOKEN and its keys, or unset them to use a profile',
    };
  }
  if (
    /UnrecognizedClient|InvalidClientTokenId|InvalidAccessKeyId/i.test(name) ||
    /security token included in the request is invalid/i.test(message)
  ) {
    return {
      category: 'invalid-credentials',
      cause: `AWS does not recognise the credentials (${context.identityLabel})`,
      hint: `check the access key, or run \`aws configure${profileFlag}\``,
    };
  }
  if (/InvalidSignature|SignatureDoesNotMatch/i.test(name) && /(expired|not yet current|time)/i.test(message)) {
    return {
      category: 'clock-skew',
      cause: "this machine's clock is off, so AWS rejects the request signature",
      hint: 'sync the clock (`timedatectl set-ntp true`, or `chronyc makestep`)',
    };
  }
  if (/InvalidSignature|SignatureDoesNotMatch/i.test(name)) {
    return {
      category: 'invalid-credentials',
      cause: `AWS rejects the request signature: the secret access key does not belong to the access key ID (${context.identityLabel})`,
      hint: `check the secret access key, or run \`aws configure${profileFlag}\``,
    };
  }
  return undefined;
}
