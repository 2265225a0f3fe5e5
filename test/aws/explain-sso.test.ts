// classify() for an SSO profile's failures, with the SDK's own error classes and the messages its SSO provider
// builds (node_modules/@aws-sdk/credential-provider-sso and token-providers): the session expired, could not be
// refreshed, was never started; and the portal's errors wrapped into a message (the SDK keeps nothing else).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CredentialsProviderError, TokenProviderError } from '@smithy/core/config';
import { classify, tokenCall, type ClassifyContext } from '../../src/aws/explain';
import { registryForHost } from '../../src/registry/host';

const SSO = { profile: 'dev', portalHost: 'portal.sso.eu-central-1.amazonaws.com', region: 'eu-central-1' };
const CONTEXT: ClassifyContext = {
  call: tokenCall(registryForHost('123456789012.dkr.ecr.eu-west-1.amazonaws.com')!),
  identityLabel: 'profile dev',
  profile: 'dev',
  sso: SSO,
  env: {},
};
const REFRESH = "To refresh this SSO session run 'aws sso login' with the corresponding profile.";
/** What credential-provider-sso does with the portal client's error: `new CredentialsProviderError(e)`. */
const wrapped = (error: Error): CredentialsProviderError =>
  new CredentialsProviderError(error as unknown as string, { tryNextLink: false });

test('expired, not refreshable, never started: three causes, one fix', () => {
  const expired = classify(new TokenProviderError(`Token is expired. ${REFRESH}`, false), CONTEXT);
  assert.equal(expired.category, 'sso-expired');
  assert.match(expired.cause, /the SSO session of profile dev has expired/);
  const stuck = classify(
    new TokenProviderError(`Value not present for 'refreshToken' in SSO Token. Cannot refresh. ${REFRESH}`, false),
    CONTEXT,
  );
  assert.match(stuck.cause, /has expired and could not be refreshed/);
  const never = classify(
    new TokenProviderError(
      `The SSO session token associated with profile=dev was not found or is invalid. ${REFRESH}`,
      false,
    ),
    CONTEXT,
  );
  assert.match(never.cause, /was never started on this machine/);
  for (const result of [expired, stuck, never]) assert.equal(result.hint, 'run `aws sso login --profile dev`');
});

test("the portal's network and HTTP failures, as the SDK wraps them", () => {
  const dns = classify(
    wrapped(
      Object.assign(new Error('getaddrinfo ENOTFOUND portal.sso.eu-central-1.amazonaws.com'), { code: 'ENOTFOUND' }),
    ),
    CONTEXT,
  );
  assert.equal(dns.category, 'unreachable');
  assert.match(
    dns.cause,
    /the SSO portal's name portal\.sso\.eu-central-1\.amazonaws\.com does not resolve \(ENOTFOUND\)/,
  );
  const refused = classify(
    wrapped(new Error('the proxy answered CONNECT portal.sso.eu-central-1.amazonaws.com:443 with HTTP 403')),
    { ...CONTEXT, env: { HTTPS_PROXY: 'http://u:p@proxy.corp:3128' } },
  );
  assert.match(
    refused.cause,
    /the proxy http:\/\/\*\*\*@proxy\.corp:3128 \(from HTTPS_PROXY\) refused to connect to the SSO portal portal\.sso\.eu-central-1\.amazonaws\.com \(HTTP 403 to CONNECT\)/,
  );
  const throttled = classify(
    wrapped(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' })),
    CONTEXT,
  );
  assert.equal(throttled.category, 'throttled');
  // Not an SSO profile: the same error is the credential chain's, as before.
  const { sso: _none, ...plain } = CONTEXT;
  assert.equal(classify(wrapped(new Error('getaddrinfo ENOTFOUND x.example')), plain).category, 'no-credentials');
});
