// Kubelet mode's failures: bad requests (exit 1, one line on stderr, no AWS call) and an AWS failure explained as in
// Docker mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useFakeAws } from '../../support/use-fake-aws';
import { runExecutable } from '../../support/executable';
import { envOn, failed, HOST, IMAGE, provide, request, ROLE_A, serviceAccountToken, V1 } from './provider';

const fake = useFakeAws();
const env = envOn(fake);

test('input errors: exit 1, one line on stderr, nothing on stdout, no AWS call', async () => {
  const e = env();
  // Verbatim from the kubelet's Test_encodeRequest (kubernetes/kubernetes pkg/credentialprovider/plugin/plugin_test.go):
  // a registry we do not serve.
  const verbatim =
    '{"kind":"CredentialProviderRequest","apiVersion":"credentialprovider.kubelet.k8s.io/v1","image":"test.registry.io/foobar"}\n';
  const cases: [string, RegExp][] = [
    [verbatim, /test\.registry\.io\/foobar: not served by this provider \(test\.registry\.io is not an ECR registry\)/],
    ['{"kind":', /request is not JSON/],
    [request(IMAGE).replace('CredentialProviderRequest', 'Pod'), /kind must be CredentialProviderRequest/],
    [
      request(IMAGE, 'credentialprovider.kubelet.k8s.io/v2'),
      /apiVersion "credentialprovider\.kubelet\.k8s\.io\/v2" is not one of/,
    ],
    [JSON.stringify({ kind: 'CredentialProviderRequest', apiVersion: V1 }), /no image/],
    [request(`${HOST}.evil.example/app`), /not served by this provider/],
    [request(`evil-${HOST}/app`), /not served by this provider/],
    [request('docker.io/library/nginx'), /docker\.io\/library\/nginx: not served by this provider/],
    ['', /request is empty/],
    [`${request(IMAGE).slice(0, -2)}, "padding": "${'x'.repeat(65 * 1024)}"}\n`, /request is larger than 64 KiB/],
    [
      request(IMAGE, V1, {
        serviceAccountToken: 'not-a-jwt',
        serviceAccountAnnotations: { 'eks.amazonaws.com/ecr-role-arn': ROLE_A },
      }),
      /service-account token is not a JWT/,
    ],
    [
      request(IMAGE, V1, {
        serviceAccountToken: serviceAccountToken('a', 'b', 'c'),
        serviceAccountAnnotations: { 'eks.amazonaws.com/ecr-role-arn': 'arn:aws:iam::1:user/x' },
      }),
      /service-account annotation eks\.amazonaws\.com\/ecr-role-arn is not an IAM role ARN/,
    ],
  ];
  for (const [stdin, message] of cases) failed(await provide(stdin, e), message);
  assert.equal(fake.calls.length, 0);
});

test('an AWS failure: exit 1 and the same explanation as in Docker mode', async () => {
  fake.fail('ecr', 'access-denied', { times: 10 });
  const e = env();
  const kubelet = await provide(request(IMAGE), e);
  failed(kubelet, /ecr:GetAuthorizationToken/);
  const docker = await runExecutable(['get'], { stdin: HOST, env: e });
  assert.equal(docker.code, 1);
  assert.equal(kubelet.stderr, docker.stderr, 'the same line as in Docker mode');
});
