// classify() for a call that got no answer (src/aws/explain-network.ts), with the errors Node and the AWS SDK
// really throw: a connection refused or a name that does not resolve, TLS failing (an inspecting proxy), no
// answer in time.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { classify } from '../../src/aws/explain';
import { assertClass, nodeError, PRIVATE, STS } from './sdk-errors';

describe('classify: one mapping each', () => {
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
});
