// What the kubelet-mode tests share (*.test.ts beside this file): the built executable run as the kubelet runs it (one
// JSON request on stdin, the response on stdout) against the fake AWS (ECR, ECR Public, STS web identity), and every
// answer checked through an independent implementation of the kubelet's auth-key matching.
import assert from 'node:assert/strict';
import type { FakeAws } from '../../support/fake-aws';
import { runExecutable, type ExeResult } from '../../support/executable';
import { tempDir } from '../../support/temp';
import { helperEnv } from '../../support/helper-bin';
import { assertEveryAuthKeyMatches } from '../../support/kubelet-match';
import { DEFAULT_OIDC_ISSUER } from '../../support/fake-aws';

export const V1 = 'credentialprovider.kubelet.k8s.io/v1';
export const VERSIONS = [V1, 'credentialprovider.kubelet.k8s.io/v1beta1', 'credentialprovider.kubelet.k8s.io/v1alpha1'];
export const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
export const IMAGE = `${HOST}/team/app`;
export const ROLE_A = 'arn:aws:iam::123456789012:role/ecr-puller-a';
export const ROLE_B = 'arn:aws:iam::123456789012:role/ecr-puller-b';
export const MODE = 'kubelet-credential-provider';

/** env(extra): the helper's environment against the fake, with a fresh HOME. */
export const envOn =
  (fake: Pick<FakeAws, 'url'>) =>
  (extra: Record<string, string> = {}): Record<string, string> => ({
    ...helperEnv(fake.url, tempDir()),
    ...extra,
  });
export const request = (image: string, apiVersion = V1, extra: Record<string, unknown> = {}): string =>
  `${JSON.stringify({ kind: 'CredentialProviderRequest', apiVersion, image, ...extra })}\n`;
export const provide = (stdin: string, e: Record<string, string>): Promise<ExeResult> =>
  runExecutable([MODE], { stdin, env: e });

/** A projected service-account token as the kubelet hands it over (the fake reads, but does not verify, it). */
export function serviceAccountToken(
  namespace: string,
  name: string,
  uid: string,
  audience = 'sts.amazonaws.com',
  exp = Math.floor(Date.now() / 1000) + 3600,
  signature = 'signature',
): string {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    aud: [audience],
    exp,
    iat: now,
    iss: DEFAULT_OIDC_ISSUER,
    sub: `system:serviceaccount:${namespace}:${name}`,
    'kubernetes.io': {
      namespace,
      serviceaccount: { name, uid },
      pod: { name: `${name}-pod`, uid: '5e0a0b1c-0000-4000-8000-000000000001' },
    },
  };
  return `${b64({ alg: 'RS256', kid: 'k' })}.${b64(claims)}.${Buffer.from(signature).toString('base64url')}`;
}

export interface Response {
  kind: string;
  apiVersion: string;
  cacheKeyType: string;
  cacheDuration: string;
  auth: Record<string, { username: string; password: string }>;
}

export function ok(result: ExeResult, image: string, apiVersion = V1): Response {
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '');
  assertEveryAuthKeyMatches(result.stdout, image);
  const response = JSON.parse(result.stdout) as Response;
  assert.deepEqual(Object.keys(response), ['kind', 'apiVersion', 'cacheKeyType', 'cacheDuration', 'auth']);
  assert.equal(response.kind, 'CredentialProviderResponse');
  assert.equal(response.apiVersion, apiVersion);
  assert.equal(response.cacheKeyType, 'Registry');
  for (const credentials of Object.values(response.auth)) {
    assert.deepEqual(Object.keys(credentials), ['username', 'password']);
    assert.equal(credentials.username, 'AWS');
  }
  return response;
}

export function failed(result: ExeResult, message: RegExp): void {
  assert.equal(result.code, 1);
  assert.equal(result.stdout, '', 'nothing on stdout');
  assert.equal(result.stderr.split('\n').filter(Boolean).length, 1, `one line on stderr: ${result.stderr}`);
  assert.match(result.stderr, message);
}

export const seconds = (goDuration: string): number => {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(goDuration);
  assert.ok(m, goDuration);
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
};
