import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HelperError } from '../../src/platform/errors';
import {
  KUBELET_API_VERSIONS,
  KubeletRequestError,
  MAX_REQUEST_BYTES,
  parseKubeletRequest,
} from '../../src/kubelet/request';

const V1 = 'credentialprovider.kubelet.k8s.io/v1';
const V1BETA1 = 'credentialprovider.kubelet.k8s.io/v1beta1';
const V1ALPHA1 = 'credentialprovider.kubelet.k8s.io/v1alpha1';
const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

// Verbatim expectedData of Test_encodeRequest, kubernetes/kubernetes pkg/credentialprovider/plugin/plugin_test.go
// (the kubelet writes the trailing newline too).
const ENCODE_REQUEST_FIXTURES: Array<[string, string]> = [
  [
    V1ALPHA1,
    '{"kind":"CredentialProviderRequest","apiVersion":"credentialprovider.kubelet.k8s.io/v1alpha1","image":"test.registry.io/foobar"}\n',
  ],
  [
    V1BETA1,
    '{"kind":"CredentialProviderRequest","apiVersion":"credentialprovider.kubelet.k8s.io/v1beta1","image":"test.registry.io/foobar"}\n',
  ],
  [
    V1,
    '{"kind":"CredentialProviderRequest","apiVersion":"credentialprovider.kubelet.k8s.io/v1","image":"test.registry.io/foobar"}\n',
  ],
];
const ENCODE_REQUEST_WITH_TOKEN =
  '{"kind":"CredentialProviderRequest","apiVersion":"credentialprovider.kubelet.k8s.io/v1","image":"test.registry.io/foobar","serviceAccountToken":"service-account-token","serviceAccountAnnotations":{"domain.io/annotation1":"value1"}}\n';

const request = (fields: Record<string, unknown>) =>
  JSON.stringify({ kind: 'CredentialProviderRequest', apiVersion: V1, ...fields });

function assertRefused(text: string, message: string) {
  assert.throws(
    () => parseKubeletRequest(text),
    (error: unknown) => {
      assert.ok(error instanceof KubeletRequestError, `expected KubeletRequestError, got ${String(error)}`);
      assert.ok(error instanceof HelperError);
      assert.equal(error.message, message);
      assert.ok(!error.message.includes('\n'), 'one line');
      return true;
    },
  );
}

test("the kubelet's own requests parse, in all three apiVersions", () => {
  for (const [apiVersion, text] of ENCODE_REQUEST_FIXTURES) {
    assert.deepEqual(parseKubeletRequest(text), {
      apiVersion,
      image: 'test.registry.io/foobar',
      host: 'test.registry.io',
      path: 'foobar',
      serviceAccountAnnotations: {},
    });
  }
  assert.deepEqual([...KUBELET_API_VERSIONS].sort(), [V1, V1ALPHA1, V1BETA1].sort());
});

test("the kubelet's v1 request with a service-account token and annotations parses", () => {
  assert.deepEqual(parseKubeletRequest(ENCODE_REQUEST_WITH_TOKEN), {
    apiVersion: V1,
    image: 'test.registry.io/foobar',
    host: 'test.registry.io',
    path: 'foobar',
    serviceAccountToken: 'service-account-token',
    serviceAccountAnnotations: { 'domain.io/annotation1': 'value1' },
  });
});

test('service-account fields are ignored before v1, even malformed ones', () => {
  for (const apiVersion of [V1BETA1, V1ALPHA1]) {
    const text = ENCODE_REQUEST_WITH_TOKEN.replace(V1, apiVersion);
    const parsed = parseKubeletRequest(text);
    assert.equal(parsed.apiVersion, apiVersion);
    assert.equal(parsed.serviceAccountToken, undefined);
    assert.deepEqual(parsed.serviceAccountAnnotations, {});
    assert.deepEqual(
      parseKubeletRequest(
        request({ apiVersion, image: 'a.io/b', serviceAccountToken: 7, serviceAccountAnnotations: [1] }),
      ).serviceAccountAnnotations,
      {},
    );
  }
});

test('an empty or null token means none', () => {
  assert.equal(
    parseKubeletRequest(request({ image: 'a.io/b', serviceAccountToken: '' })).serviceAccountToken,
    undefined,
  );
  assert.equal(
    parseKubeletRequest(request({ image: 'a.io/b', serviceAccountToken: null })).serviceAccountToken,
    undefined,
  );
  assert.deepEqual(
    parseKubeletRequest(request({ image: 'a.io/b', serviceAccountAnnotations: null })).serviceAccountAnnotations,
    {},
  );
});

test('a "__proto__" annotation stays an ordinary key', () => {
  const parsed = parseKubeletRequest(
    `{"kind":"CredentialProviderRequest","apiVersion":"${V1}","image":"a.io/b","serviceAccountAnnotations":{"__proto__":"x","k":"v"}}`,
  );
  assert.equal(Object.getPrototypeOf(parsed.serviceAccountAnnotations), Object.prototype);
  assert.deepEqual(Object.entries(parsed.serviceAccountAnnotations), [
    ['__proto__', 'x'],
    ['k', 'v'],
  ]);
});

test('images: host, port, path; tags and digests are stripped', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  const cases: Array<[string, { image: string; host: string; port?: number; path: string }]> = [
    [`${ECR}/team/app`, { image: `${ECR}/team/app`, host: ECR, path: 'team/app' }],
    [ECR, { image: ECR, host: ECR, path: '' }],
    [
      'registry.example.com:5000/app',
      { image: 'registry.example.com:5000/app', host: 'registry.example.com', port: 5000, path: 'app' },
    ],
    [
      'registry.example.com:5000',
      { image: 'registry.example.com:5000', host: 'registry.example.com', port: 5000, path: '' },
    ],
    [`${ECR}/app:1.2.3`, { image: `${ECR}/app`, host: ECR, path: 'app' }],
    [`${ECR}/app@${digest}`, { image: `${ECR}/app`, host: ECR, path: 'app' }],
    [`${ECR}/app:v1@${digest}`, { image: `${ECR}/app`, host: ECR, path: 'app' }],
    [
      `registry.example.com:443/a/b:latest`,
      { image: 'registry.example.com:443/a/b', host: 'registry.example.com', port: 443, path: 'a/b' },
    ],
    [
      'public.ecr.aws/docker/library/busybox',
      { image: 'public.ecr.aws/docker/library/busybox', host: 'public.ecr.aws', path: 'docker/library/busybox' },
    ],
  ];
  for (const [image, expected] of cases) {
    const parsed = parseKubeletRequest(request({ image }));
    assert.deepEqual(
      { image: parsed.image, host: parsed.host, port: parsed.port, path: parsed.path },
      { port: undefined, ...expected },
      image,
    );
  }
});

test('a request with whitespace around it parses', () => {
  assert.equal(parseKubeletRequest(`\n  ${request({ image: 'a.io/b' })}\r\n`).host, 'a.io');
});

test("unknown fields are ignored, as Go's decoder would", () => {
  assert.equal(parseKubeletRequest(request({ image: 'a.io/b', futureField: { x: 1 } })).path, 'b');
});

test('every malformed request is refused with its own one-line message', () => {
  const versions = `${V1}, ${V1BETA1}, ${V1ALPHA1}`;
  const cases: Array<[string, string]> = [
    ['', 'request is empty'],
    ['  \n', 'request is empty'],
    ['{"kind":', 'request is not JSON'],
    ['kind=CredentialProviderRequest', 'request is not JSON'],
    ['[]', 'request is not a JSON object'],
    ['null', 'request is not a JSON object'],
    ['"text"', 'request is not a JSON object'],
    [JSON.stringify({ kind: 'CredentialProviderRequest', image: 'a.io/b' }), 'request has no apiVersion'],
    [request({ apiVersion: 'x', image: 'a.io/b' }), `apiVersion "x" is not one of ${versions}`],
    [
      request({ apiVersion: 'credentialprovider.kubelet.k8s.io/v2', image: 'a.io/b' }),
      `apiVersion "credentialprovider.kubelet.k8s.io/v2" is not one of ${versions}`,
    ],
    [
      request({ apiVersion: 'kubelet.config.k8s.io/v1', image: 'a.io/b' }),
      `apiVersion "kubelet.config.k8s.io/v1" is not one of ${versions}`,
    ],
    [request({ apiVersion: 1, image: 'a.io/b' }), `apiVersion 1 is not one of ${versions}`],
    [JSON.stringify({ apiVersion: V1, image: 'a.io/b' }), 'request has no kind'],
    [request({ kind: 'Foo', image: 'a.io/b' }), 'kind must be CredentialProviderRequest, got "Foo"'],
    [
      request({ kind: 'CredentialProviderResponse', image: 'a.io/b' }),
      'kind must be CredentialProviderRequest, got "CredentialProviderResponse"',
    ],
    [request({}), 'request has no image'],
    [request({ image: '' }), 'request has no image'],
    [request({ image: 42 }), 'image must be a string, got 42'],
    [request({ image: 'a.io/b c' }), 'image "a.io/b c" has characters an image name cannot have'],
    [request({ image: 'a.io/b\nc' }), 'image "a.io/b\\nc" has characters an image name cannot have'],
    [request({ image: 'https://a.io/b' }), 'image "https://a.io/b" has a scheme; the kubelet sends host[:port]/path'],
    [request({ image: 'user@a.io/b' }), 'image "user@a.io/b" has a malformed digest or user info'],
    [request({ image: 'a.io/b@sha256' }), 'image "a.io/b@sha256" has a malformed digest or user info'],
    [request({ image: 'a.io/b:' }), 'image "a.io/b:" has a malformed tag'],
    [request({ image: 'a.io/b:-x' }), 'image "a.io/b:-x" has a malformed tag'],
    [request({ image: 'a.io/' }), 'image "a.io/" has a malformed path'],
    [request({ image: 'a.io//b' }), 'image "a.io//b" has a malformed path'],
    [request({ image: 'a.io/../b' }), 'image "a.io/../b" has a malformed path'],
    [request({ image: 'a.io/b%2f' }), 'image "a.io/b%2f" has a malformed path'],
    [request({ image: '/b' }), 'image "/b" has no valid host'],
    [request({ image: 'a..io/b' }), 'image "a..io/b" has no valid host'],
    [request({ image: 'a.io./b' }), 'image "a.io./b" has no valid host'],
    [request({ image: 'a_b.io/c' }), 'image "a_b.io/c" has no valid host'],
    [request({ image: '-a.io/c' }), 'image "-a.io/c" has no valid host'],
    [request({ image: 'a.io:1:2/c' }), 'image "a.io:1:2/c" has no valid host'],
    [request({ image: '[::1]:5000/c' }), 'image "[::1]:5000/c" has no valid host'],
    [request({ image: `${'a'.repeat(64)}.io/b` }), `image "${'a'.repeat(64)}.io/b" has no valid host`],
    [
      request({ image: 'Registry.Example.com/b' }),
      'image "Registry.Example.com/b" has upper case in its host; the kubelet matches auth keys case-sensitively',
    ],
    [request({ image: 'a.io:0/b' }), 'image "a.io:0/b" has port "0"; expected 1-65535 without leading zeros'],
    [
      request({ image: 'a.io:05000/b' }),
      'image "a.io:05000/b" has port "05000"; expected 1-65535 without leading zeros',
    ],
    [
      request({ image: 'a.io:65536/b' }),
      'image "a.io:65536/b" has port "65536"; expected 1-65535 without leading zeros',
    ],
    [request({ image: 'a.io:/b' }), 'image "a.io:/b" has port ""; expected 1-65535 without leading zeros'],
    [
      request({ image: 'a.io:latest' }),
      'image "a.io:latest" has port "latest"; expected 1-65535 without leading zeros',
    ],
    [request({ image: 'a.io/b', serviceAccountToken: 12 }), 'serviceAccountToken must be a string'],
    [
      request({ image: 'a.io/b', serviceAccountAnnotations: ['a'] }),
      'serviceAccountAnnotations must be an object of strings',
    ],
    [
      request({ image: 'a.io/b', serviceAccountAnnotations: 'a=b' }),
      'serviceAccountAnnotations must be an object of strings',
    ],
    [
      request({ image: 'a.io/b', serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 1 } }),
      'serviceAccountAnnotations["eks.amazonaws.com/role-arn"] must be a string',
    ],
  ];
  for (const [text, message] of cases) assertRefused(text, message);
});

test('a long bad value is cut short in the message', () => {
  const image = `a.io/${'b'.repeat(300)} `;
  assert.throws(
    () => parseKubeletRequest(request({ image })),
    (error: Error) => error.message.length < 160 && error.message.includes('...'),
  );
});

test('the input is bounded at 64 KiB, counted in UTF-8 bytes', () => {
  const base = request({ image: 'a.io/b', serviceAccountAnnotations: { pad: '' } });
  const fits = request({
    image: 'a.io/b',
    serviceAccountAnnotations: { pad: 'x'.repeat(MAX_REQUEST_BYTES - base.length) },
  });
  assert.equal(Buffer.byteLength(fits), MAX_REQUEST_BYTES);
  assert.equal(parseKubeletRequest(fits).host, 'a.io');
  assertRefused(`${fits} `, 'request is larger than 64 KiB');
  // Fewer UTF-16 units than the limit, more bytes: é is two bytes.
  const wide = request({ image: 'a.io/b', serviceAccountAnnotations: { pad: 'é'.repeat(MAX_REQUEST_BYTES / 2) } });
  assert.ok(wide.length < MAX_REQUEST_BYTES + 100 && Buffer.byteLength(wide) > MAX_REQUEST_BYTES);
  assertRefused(wide, 'request is larger than 64 KiB');
  assertRefused('{'.repeat(MAX_REQUEST_BYTES + 1), 'request is larger than 64 KiB');
});

test('no error message ever carries the service-account token', () => {
  const token = 'eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.SECRET-SIGNATURE';
  const texts = [
    request({ image: 'a b', serviceAccountToken: token }),
    request({ image: 'a.io/b', serviceAccountToken: token, serviceAccountAnnotations: { k: 1 } }),
    request({ image: 'a.io/b', serviceAccountToken: token, serviceAccountAnnotations: token }),
    request({ kind: 'Foo', image: 'a.io/b', serviceAccountToken: token }),
    request({ image: 'a.io/b', serviceAccountToken: token }).slice(0, -2),
    `{"kind":"CredentialProviderRequest","apiVersion":"${V1}","image":"a.io/b","serviceAccountToken":"${token}",}`,
  ];
  for (const text of texts) {
    assert.throws(
      () => parseKubeletRequest(text),
      (error: Error) => {
        assert.ok(error instanceof KubeletRequestError);
        assert.ok(!error.message.includes('SECRET') && !error.message.includes('eyJ'), error.message);
        return true;
      },
    );
  }
});
