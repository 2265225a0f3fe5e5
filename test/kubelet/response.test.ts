import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HelperError } from '../../src/platform/errors';
import { formatGoDuration } from '../../src/kubelet/go-duration';
import { KUBELET_API_VERSIONS, parseKubeletRequest, type KubeletApiVersion } from '../../src/kubelet/request';
import { authKeyFor, encodeKubeletResponse, KubeletResponseError } from '../../src/kubelet/response';
import { assertEveryAuthKeyMatches, keyMatchesImage } from '../support/kubelet-match';

const V1 = 'credentialprovider.kubelet.k8s.io/v1';

// Verbatim data of Test_decodeResponse ("success with v1"), kubernetes/kubernetes
// pkg/credentialprovider/plugin/plugin_test.go: the shape the kubelet decodes strictly.
const DECODE_RESPONSE_FIXTURE =
  '{"kind":"CredentialProviderResponse","apiVersion":"credentialprovider.kubelet.k8s.io/v1","cacheKeyType":"Registry","cacheDuration":"1m","auth":{"*.registry.io":{"username":"user","password":"password"}}}';

const encode = (overrides: Partial<Parameters<typeof encodeKubeletResponse>[0]> = {}) =>
  encodeKubeletResponse({
    apiVersion: V1,
    authKey: 'test.registry.io',
    username: 'AWS',
    password: 'token',
    cacheDurationMs: 60_000,
    ...overrides,
  });

/** Key names, in order, at every level of a JSON value: the kubelet's strict decoder rejects any extra one. */
function shape(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return typeof value;
  return Object.entries(value).map(([key, inner]) => [key, shape(inner)]);
}

test("the output has exactly the shape of the kubelet's own fixture", () => {
  const ours = JSON.parse(encode({ authKey: '*.registry.io', username: 'user', password: 'password' }));
  const theirs = JSON.parse(DECODE_RESPONSE_FIXTURE);
  assert.deepEqual(shape(ours), shape(theirs));
  assert.deepEqual(Object.keys(ours), ['kind', 'apiVersion', 'cacheKeyType', 'cacheDuration', 'auth']);
  // Only the duration's spelling differs: Go prints 1m as 1m0s, and parses both.
  assert.deepEqual({ ...ours, cacheDuration: '1m' }, theirs);
});

test('the output is one line of JSON ending in a newline', () => {
  const text = encode();
  assert.equal(
    text,
    '{"kind":"CredentialProviderResponse","apiVersion":"credentialprovider.kubelet.k8s.io/v1","cacheKeyType":"Registry","cacheDuration":"1m0s","auth":{"test.registry.io":{"username":"AWS","password":"token"}}}\n',
  );
  assert.equal(text.indexOf('\n'), text.length - 1);
});

test("the request's apiVersion is echoed, for all three", () => {
  for (const apiVersion of KUBELET_API_VERSIONS) {
    assert.equal(JSON.parse(encode({ apiVersion })).apiVersion, apiVersion);
  }
  assert.throws(
    () => encode({ apiVersion: 'credentialprovider.kubelet.k8s.io/v2' as KubeletApiVersion }),
    KubeletResponseError,
  );
});

test('an empty auth key, username or password is refused, never sent with a duration', () => {
  for (const [field, message] of [
    ['authKey', 'refusing to answer with an empty auth key'],
    ['username', 'refusing to answer with an empty username'],
    ['password', 'refusing to answer with an empty password'],
  ] as const) {
    assert.throws(
      () => encode({ [field]: '' }),
      (error: unknown) =>
        error instanceof KubeletResponseError && error instanceof HelperError && error.message === message,
    );
  }
});

test('the password is never in a refusal message', () => {
  assert.throws(
    () => encode({ username: '', password: 'SECRET' }),
    (error: Error) => !error.message.includes('SECRET'),
  );
});

test('a "__proto__" auth key stays a plain key', () => {
  assert.deepEqual(Object.keys(JSON.parse(encode({ authKey: '__proto__' })).auth), ['__proto__']);
});

test("cacheDuration is Go's Duration.String() of whole seconds", () => {
  const cases: Array<[number, string]> = [
    [0, '0s'],
    [-0, '0s'],
    [-5_000, '0s'],
    [999, '0s'],
    [1_000, '1s'],
    [59_999, '59s'],
    [60_000, '1m0s'],
    [15 * 60_000, '15m0s'],
    [3_599_000, '59m59s'],
    [3_600_000, '1h0m0s'],
    [(11 * 3600 + 44 * 60 + 59) * 1000 + 999, '11h44m59s'],
    [12 * 3_600_000, '12h0m0s'],
    [21_599_000, '5h59m59s'],
    [36 * 3_600_000 + 1_000, '36h0m1s'],
  ];
  for (const [ms, expected] of cases) assert.equal(formatGoDuration(ms), expected, `${ms}ms`);
  assert.throws(() => formatGoDuration(Number.NaN), RangeError);
  assert.throws(() => formatGoDuration(Number.POSITIVE_INFINITY), RangeError);
  assert.equal(JSON.parse(encode({ cacheDurationMs: 43_199_500 })).cacheDuration, '11h59m59s');
});

test('authKeyFor is host or host:port', () => {
  assert.equal(authKeyFor('public.ecr.aws'), 'public.ecr.aws');
  assert.equal(authKeyFor('registry.example.com', 5000), 'registry.example.com:5000');
  for (const bad of [
    () => authKeyFor(''),
    () => authKeyFor('a.io/b'),
    () => authKeyFor('a.io:1'),
    () => authKeyFor('a.io', 0),
    () => authKeyFor('a.io', 70000),
    () => authKeyFor('a.io', 1.5),
  ]) {
    assert.throws(bad, KubeletResponseError);
  }
});

test("every response built from a request matches the request's image under the kubelet's rules", () => {
  const images = [
    'test.registry.io/foobar',
    '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app',
    '123456789012.dkr.ecr.us-east-1.amazonaws.com',
    '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/app',
    '123456789012.dkr-ecr.eu-west-1.on.aws/app',
    '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/a/b/c',
    'public.ecr.aws/docker/library/busybox',
    'ecr-public.aws.com/x',
    'registry.example.com:5000/app',
    'registry.example.com:443',
  ];
  for (const image of images) {
    for (const apiVersion of KUBELET_API_VERSIONS) {
      // A tag, which the kubelet never sends, must not change the key; a host-only image cannot carry one.
      const sent = image.includes('/') ? `${image}:tag` : image;
      const parsed = parseKubeletRequest(
        JSON.stringify({ kind: 'CredentialProviderRequest', apiVersion, image: sent }),
      );
      const response = encodeKubeletResponse({
        apiVersion,
        authKey: authKeyFor(parsed.host, parsed.port),
        username: 'AWS',
        password: 'p',
        cacheDurationMs: 1,
      });
      // The kubelet matches against the image it sent, which has no tag.
      assertEveryAuthKeyMatches(response, image);
      assertEveryAuthKeyMatches(response, parsed.image);
    }
  }
});

test('the matcher catches a key that drops the port or the host', () => {
  const parsed = parseKubeletRequest(
    JSON.stringify({ kind: 'CredentialProviderRequest', apiVersion: V1, image: 'registry.example.com:5000/app' }),
  );
  const withoutPort = encodeKubeletResponse({
    apiVersion: V1,
    authKey: authKeyFor(parsed.host),
    username: 'AWS',
    password: 'p',
    cacheDurationMs: 1,
  });
  assert.throws(() => assertEveryAuthKeyMatches(withoutPort, parsed.image), assert.AssertionError);
  assert.equal(
    keyMatchesImage(authKeyFor('dkr.ecr.us-east-1.amazonaws.com'), '123456789012.dkr.ecr.us-east-1.amazonaws.com/app'),
    false,
  );
});
