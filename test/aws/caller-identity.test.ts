// explainCallerIdentityFailure() (src/aws/caller-identity.ts): STS GetCallerIdentity's failures described as
// that call's own, not as a token fetch's.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { explainCallerIdentityFailure } from '../../src/aws/caller-identity';
import type { Identity } from '../../src/identity/identity';
import { stsError } from './sdk-errors';

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
