// The AWS SDK's errors as the tests of classify() and explain() build them: its own classes, names, messages and
// $metadata (as read from node_modules/@aws-sdk and @smithy), the contexts of the calls that fail, and the one check
// each mapping makes (category and hint).
import assert from 'node:assert/strict';
import { ECRServiceException } from '@aws-sdk/client-ecr';
import { STSServiceException } from '@aws-sdk/client-sts';
import { classify, tokenCall, type ClassifyContext, type FetchContext } from '../../src/aws/explain';
import { registryForHost } from '../../src/registry/host';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
export const PRIVATE_FETCH: FetchContext = {
  registry: registryForHost(HOST)!,
  identityLabel: 'environment key AKIAEXAMPLE0000001',
};
export const PRIVATE: ClassifyContext = {
  call: tokenCall(PRIVATE_FETCH.registry),
  identityLabel: PRIVATE_FETCH.identityLabel,
};
export const PUBLIC: ClassifyContext = {
  call: tokenCall(registryForHost('public.ecr.aws')!),
  identityLabel: 'profile dev',
  profile: 'dev',
};
export const WITH_PROFILE: ClassifyContext = { ...PRIVATE, identityLabel: 'profile dev', profile: 'dev' };
export const STS: ClassifyContext = { ...PRIVATE, call: { api: 'STS API', endpointVariable: 'AWS_ENDPOINT_URL_STS' } };

// Messages exactly as the SDK packages build them.
export const SSO_REFRESH_CREDENTIALS = 'To refresh this SSO session run aws sso login with the corresponding profile.'; // credential-provider-sso
export const SSO_REFRESH_TOKEN = "To refresh this SSO session run 'aws sso login' with the corresponding profile."; // token-providers

export const ecrError = (name: string, status: number, message: string): ECRServiceException =>
  new ECRServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message,
  });
export const stsError = (name: string, status: number, message: string): STSServiceException =>
  new STSServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message,
  });
export const nodeError = (code: string, message: string): Error => Object.assign(new Error(message), { code });

export function assertClass(error: unknown, context: ClassifyContext, category: string, hint: string | RegExp): void {
  const result = classify(error, context);
  assert.equal(result.category, category, `${result.category}: ${result.cause}`);
  if (typeof hint === 'string') assert.ok(result.hint.includes(hint), `hint "${result.hint}" lacks "${hint}"`);
  else assert.match(result.hint, hint);
}
