// classify()/explain(): one case per mapping, with the error objects the AWS SDK really throws (its own classes,
// names, messages and $metadata, as read from node_modules/@aws-sdk and @smithy), then the same errors produced
// live by the real SDK clients against the fake AWS; and the hints for mistyped hosts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ECRClient, ECRServiceException, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { ECRPUBLICServiceException } from '@aws-sdk/client-ecr-public';
import { GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { CredentialsProviderError, TokenProviderError } from '@smithy/core/config';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { TokenFetchError } from '../../src/platform/errors';
import { classify, explain, tokenCall, type ClassifyContext, type FetchContext } from '../../src/aws/explain';
import { explainCallerIdentityFailure } from '../../src/aws/caller-identity';
import type { Identity } from '../../src/identity/identity';
import { hintForUnservedHost } from '../../src/registry/hints';
import { registryForHost } from '../../src/registry/host';
import { startFakeAws, type FakeAws, type Fault } from '../support/fake-aws';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const PRIVATE_FETCH: FetchContext = {
  registry: registryForHost(HOST)!,
  identityLabel: 'environment key AKIAEXAMPLE0000001',
};
const PRIVATE: ClassifyContext = {
  call: tokenCall(PRIVATE_FETCH.registry),
  identityLabel: PRIVATE_FETCH.identityLabel,
};
const PUBLIC: ClassifyContext = {
  call: tokenCall(registryForHost('public.ecr.aws')!),
  identityLabel: 'profile dev',
  profile: 'dev',
};
const WITH_PROFILE: ClassifyContext = { ...PRIVATE, identityLabel: 'profile dev', profile: 'dev' };
const STS: ClassifyContext = { ...PRIVATE, call: { api: 'STS API', endpointVariable: 'AWS_ENDPOINT_URL_STS' } };

// Messages exactly as the SDK packages build them.
const SSO_REFRESH_CREDENTIALS = 'To refresh this SSO session run aws sso login with the corresponding profile.'; // credential-provider-sso
const SSO_REFRESH_TOKEN = "To refresh this SSO session run 'aws sso login' with the corresponding profile."; // token-providers

const ecrError = (name: string, status: number, message: string): ECRServiceException =>
  new ECRServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message,
  });
const stsError = (name: string, status: number, message: string): STSServiceException =>
  new STSServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message,
  });
const nodeError = (code: string, message: string): Error => Object.assign(new Error(message), { code });

function assertClass(error: unknown, context: ClassifyContext, category: string, hint: string | RegExp): void {
  const result = classify(error, context);
  assert.equal(result.category, category, `${result.category}: ${result.cause}`);
  if (typeof hint === 'string') assert.ok(result.hint.includes(hint), `hint "${result.hint}" lacks "${hint}"`);
  else assert.match(result.hint, hint);
}

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

  test('an AccessDenied for an SSO role is about IAM, not the session', () => {
    const error = ecrError(
      'AccessDeniedException',
      400,
      'User: arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_ReadOnly_0123456789abcdef/me is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action',
    );
    assertClass(error, WITH_PROFILE, 'access-denied', 'ecr:GetAuthorizationToken');
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

  test('unreachable endpoint: the proxy hint', () => {
    assertClass(nodeError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9'), PRIVATE, 'unreachable', 'HTTPS_PROXY');
    assertClass(
      nodeError('ENOTFOUND', 'getaddrinfo ENOTFOUND api.ecr.eu-west-1.amazonaws.com'),
      PRIVATE,
      'unreachable',
      'HTTPS_PROXY',
    );
    assert.match(classify(nodeError('ECONNREFUSED', 'x'), STS).cause, /cannot reach the STS API endpoint/);
  });

  test('TLS failure (an inspecting proxy): AWS_CA_BUNDLE', () => {
    assertClass(
      nodeError('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'),
      PRIVATE,
      'unreachable',
      'AWS_CA_BUNDLE',
    );
    assertClass(
      nodeError('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain'),
      PRIVATE,
      'unreachable',
      'AWS_CA_BUNDLE',
    );
  });

  test("timeout: the handler's TimeoutError and our deadline's AbortError", () => {
    assertClass(
      Object.assign(new Error('Connection timed out after 10000 ms'), { name: 'TimeoutError' }),
      PRIVATE,
      'timeout',
      'DOCKER_CREDENTIAL_ECR_TIMEOUT_MS',
    );
    assertClass(
      Object.assign(new Error('Request aborted'), { name: 'AbortError', cause: { code: 20 } }),
      PRIVATE,
      'timeout',
      'DOCKER_CREDENTIAL_ECR_TIMEOUT_MS',
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

  test('anything else: the debug log', () => {
    assertClass(new Error('something new'), PRIVATE, 'unknown', 'DOCKER_CREDENTIAL_ECR_LOG=debug');
    assertClass('a string', PRIVATE, 'unknown', 'DOCKER_CREDENTIAL_ECR_LOG=debug');
  });
});

describe('explain', () => {
  test('one line naming host, API, region and identity, then the hint', () => {
    const error = explain(
      ecrError('AccessDeniedException', 400, 'User: x is not authorized to perform: ecr:GetAuthorizationToken'),
      { ...PRIVATE_FETCH, requestedHost: 'registry.corp.example' },
    );
    assert.ok(error instanceof TokenFetchError);
    assert.equal(error.category, 'access-denied');
    assert.match(
      error.message,
      /^registry\.corp\.example \(123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\): no token from the ECR API in eu-west-1 as environment key AKIAEXAMPLE0000001: access denied .*; the identity .* needs IAM permission ecr:GetAuthorizationToken$/,
    );
    assert.doesNotMatch(error.message, /\n/);
  });

  test('strips control characters from AWS messages, and passes TokenFetchError through', () => {
    const error = explain(new Error('bad\x1b[31m red\nline'), PRIVATE_FETCH);
    assert.doesNotMatch(error.message, /\x1b|\n/);
    const already = new TokenFetchError('m', 'h', 'bad-response');
    assert.equal(explain(already, PRIVATE_FETCH), already);
  });
});

describe('STS GetCallerIdentity, described as itself', () => {
  const identity = { source: 'profile', label: 'profile dev', keyMaterial: 'k', profile: 'dev' } as Identity;

  test('a refusal is not a missing permission: the call needs none', () => {
    const result = explainCallerIdentityFailure(stsError('AccessDenied', 403, 'denied'), identity);
    assert.equal(result.category, 'not-aws');
    assert.match(result.cause, /^the STS API refused the call \(denied\), which needs no IAM permission/);
    assert.match(result.hint, /aws sts get-caller-identity --profile dev/);
  });

  test('an answer that is not STS names its endpoint variable, not an ECR one', () => {
    const result = explainCallerIdentityFailure(
      stsError('SerializationException', 200, 'Deserialization error: to see the raw response'),
      identity,
    );
    assert.equal(result.category, 'bad-response');
    assert.match(result.hint, /^if AWS_ENDPOINT_URL_STS or a proxy is set/);
  });
});

describe('classify on errors the real SDK produces against the fake AWS', () => {
  let fake: FakeAws;
  const credentials = { accessKeyId: 'AKIAEXAMPLE0000001', secretAccessKey: 'not-a-secret' };
  before(async () => {
    fake = await startFakeAws();
  });
  after(() => fake.close());

  async function ecrFailure(fault: Fault): Promise<unknown> {
    fake.reset();
    fake.fail('ecr', fault);
    const client = new ECRClient({ region: 'eu-west-1', endpoint: fake.url, credentials, maxAttempts: 1 });
    try {
      await client.send(new GetAuthorizationTokenCommand({}));
      return assert.fail('expected a failure');
    } catch (error) {
      return error;
    } finally {
      client.destroy();
    }
  }

  const CASES: Array<[Fault, string]> = [
    ['access-denied', 'access-denied'],
    ['throttle', 'throttled'],
    ['http-500', 'server-error'],
    ['expired-credentials', 'expired-credentials'],
    ['unrecognized-client', 'invalid-credentials'],
    ['invalid-signature', 'clock-skew'],
    ['malformed', 'bad-response'],
  ];
  for (const [fault, category] of CASES) {
    test(`ECR ${String(fault)} -> ${category}`, async () => {
      assert.equal(classify(await ecrFailure(fault), PRIVATE).category, category);
    });
  }

  test('STS GetCallerIdentity: expired and invalid credentials', async () => {
    const client = new STSClient({ region: 'us-east-1', endpoint: fake.url, credentials, maxAttempts: 1 });
    try {
      for (const [fault, category] of [
        ['expired-credentials', 'expired-credentials'],
        ['unrecognized-client', 'invalid-credentials'],
      ] as const) {
        fake.reset();
        fake.fail('sts', fault);
        const error = await client.send(new GetCallerIdentityCommand({})).then(
          () => assert.fail('expected a failure'),
          (e: unknown) => e,
        );
        assert.equal(classify(error, STS).category, category);
      }
    } finally {
      client.destroy();
    }
  });

  test('connection refused, and a certificate the client does not trust', async () => {
    const refused = new ECRClient({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9', credentials, maxAttempts: 1 });
    const untrusting = new ECRClient({
      region: 'us-east-1',
      credentials,
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ httpsAgent: new HttpsProxyAgent(fake.url) }),
    });
    try {
      const a = await refused.send(new GetAuthorizationTokenCommand({})).then(
        () => assert.fail('expected a failure'),
        (e: unknown) => e,
      );
      assertClass(a, PRIVATE, 'unreachable', 'HTTPS_PROXY');
      const b = await untrusting.send(new GetAuthorizationTokenCommand({})).then(
        () => assert.fail('expected a failure'),
        (e: unknown) => e,
      );
      assertClass(b, PRIVATE, 'unreachable', 'AWS_CA_BUNDLE');
    } finally {
      refused.destroy();
      untrusting.destroy();
    }
  });
});

describe('hints for hosts that look like a mistyped ECR address', () => {
  const CASES: Array<[string, RegExp | undefined]> = [
    [
      '123456789012.dkr.ecr-public.us-east-1.amazonaws.com',
      /ECR Public images are pulled from public\.ecr\.aws\/<alias>\/<repo>/,
    ],
    ['ecr-public.us-east-1.amazonaws.com', /pulled from public\.ecr\.aws/],
    ['public.ecr.aws.com', /^public\.ecr\.aws\.com is not an ECR address; did you mean public\.ecr\.aws\?$/],
    ['123456789012.ecr.us-east-1.amazonaws.com', /did you mean 123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\?$/],
    [
      '123456789012.dkr.ecr.useast-1.amazonaws.com',
      /did you mean 123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\?$/,
    ],
    [
      '123456789012.dkr.ecr.eu-west1.amazonaws.com',
      /did you mean 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\?$/,
    ],
    [
      '123456789012.dkr.ecr-fips.useast-1.amazonaws.com',
      /did you mean 123456789012\.dkr\.ecr-fips\.us-east-1\.amazonaws\.com\?$/,
    ],
    ['123456789012.dkr.ecr.useast-1.amazonaws.com.cn', /did you mean|not an AWS region/],
    ['12345678901.dkr.ecr.us-east-1.amazonaws.com', /account ID must have 12 digits \(it has 11\)/],
    ['1234567890123.dkr.ecr.us-east-1.amazonaws.com', /it has 13/],
    ['123456789012.dkr.ecr.us-east-1.amazonaws.co', /expected <account>\.dkr\.ecr\.<region>\.amazonaws\.com/],
    [`https://${HOST}.evil.example/v2/`, /expected <account>\.dkr\.ecr\.<region>\.amazonaws\.com/],
    // dkr-ecr is the dual-stack service, whose hosts end in .on.aws: the IPv4 host is the likelier meaning.
    [
      '123456789012.dkr-ecr.us-east-1.amazonaws.com',
      /did you mean 123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\?$/,
    ],
    ['mirror.public.ecr.aws', /exactly public\.ecr\.aws/],
    ['public.ecr.aws.evil.example', /did you mean public\.ecr\.aws\?$/],
    ['ecr.dkr.ecr.us-east-1.amazonaws.com', /12-digit account/],
    // Served hosts (even refused for plain http) and unrelated registries get no hint.
    [HOST, undefined],
    [`http://${HOST}`, undefined],
    ['public.ecr.aws', undefined],
    ['ghcr.io', undefined],
    ['index.docker.io', undefined],
    ['not a host', undefined],
  ];
  for (const [input, expected] of CASES) {
    test(input, () => {
      const hint = hintForUnservedHost(input);
      if (expected === undefined) assert.equal(hint, undefined);
      else assert.match(hint ?? '', expected);
    });
  }
});
