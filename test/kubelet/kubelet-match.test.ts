import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertEveryAuthKeyMatches,
  BadPatternError,
  goFilepathMatch,
  keyMatchesImage,
  normalizeAuthKey,
  urlsMatchStr,
} from '../support/kubelet-match';

// TestURLsMatch, kubernetes/kubernetes pkg/credentialprovider/keyring_test.go: [glob, target, match].
const URLS_MATCH: Array<[string, string, boolean]> = [
  // match when there is no path component
  ['*.kubernetes.io', 'prefix.kubernetes.io', true],
  ['prefix.*.io', 'prefix.kubernetes.io', true],
  ['prefix.kubernetes.*', 'prefix.kubernetes.io', true],
  ['*-good.kubernetes.io', 'prefix-good.kubernetes.io', true],
  // match with path components
  ['*.kubernetes.io/blah', 'prefix.kubernetes.io/blah', true],
  ['prefix.*.io/foo', 'prefix.kubernetes.io/foo/bar', true],
  // match with path components and ports
  ['*.kubernetes.io:1111/blah', 'prefix.kubernetes.io:1111/blah', true],
  ['prefix.*.io:1111/foo', 'prefix.kubernetes.io:1111/foo/bar', true],
  // no match when number of parts mismatch
  ['*.kubernetes.io', 'kubernetes.io', false],
  ['*.*.kubernetes.io', 'prefix.kubernetes.io', false],
  ['*.*.kubernetes.io', 'kubernetes.io', false],
  // no match when some parts mismatch
  ['kubernetes.io', 'kubernetes.com', false],
  ['k*.io', 'quay.io', false],
  // no match when ports mismatch
  ['*.kubernetes.io:1234/blah', 'prefix.kubernetes.io:1111/blah', false],
  ['prefix.*.io/foo', 'prefix.kubernetes.io:1111/foo/bar', false],
];

test("the kubelet's TestURLsMatch cases", () => {
  for (const [glob, target, expected] of URLS_MATCH) {
    assert.equal(urlsMatchStr(glob, target), expected, `${glob} vs ${target}`);
    assert.equal(keyMatchesImage(glob, target), expected, `key ${glob} vs ${target}`);
  }
});

test('the kubelet\'s TestDockerKeyringForGlob cases match (image = target + "/foo/bar")', () => {
  // kubernetes/kubernetes pkg/credentialprovider/keyring_test.go TestDockerKeyringForGlob: [key, target].
  const cases: Array<[string, string]> = [
    ['https://hello.kubernetes.io', 'hello.kubernetes.io'],
    ['https://*.docker.io', 'prefix.docker.io'],
    ['https://prefix.*.io', 'prefix.docker.io'],
    ['https://prefix.docker.*', 'prefix.docker.io'],
    ['https://*.docker.io/path', 'prefix.docker.io/path'],
    ['https://prefix.*.io/path', 'prefix.docker.io/path/subpath'],
    ['https://prefix.docker.*/path', 'prefix.docker.io/path'],
    ['https://*.docker.io:8888', 'prefix.docker.io:8888'],
    ['https://prefix.*.io:8888', 'prefix.docker.io:8888'],
    ['https://prefix.docker.*:8888', 'prefix.docker.io:8888'],
    ['https://*.docker.io/path:1111', 'prefix.docker.io/path:1111'],
    ['https://*.docker.io/v1/', 'prefix.docker.io/path:1111'],
    ['https://*.docker.io/v2/', 'prefix.docker.io/path:1111'],
    ['https://prefix.docker.*/path:1111', 'prefix.docker.io/path:1111'],
    ['prefix.docker.io:1111', 'prefix.docker.io:1111/path'],
    ['*.docker.io:1111', 'prefix.docker.io:1111/path'],
  ];
  for (const [key, target] of cases)
    assert.equal(keyMatchesImage(key, `${target}/foo/bar`), true, `${key} vs ${target}`);
});

test("the kubelet's TestKeyringMiss cases do not match", () => {
  // kubernetes/kubernetes pkg/credentialprovider/keyring_test.go TestKeyringMiss: [key, lookup].
  const cases: Array<[string, string]> = [
    ['https://hello.kubernetes.io', 'world.mesos.org/foo/bar'],
    ['https://*.docker.com', 'prefix.docker.io'],
    ['https://suffix.*.io', 'prefix.docker.io'],
    ['https://prefix.docker.c*', 'prefix.docker.io'],
    ['https://prefix.*.io/path:1111', 'prefix.docker.io/path/subpath:1111'],
    ['suffix.*.io', 'prefix.docker.io'],
  ];
  for (const [key, lookup] of cases)
    assert.equal(keyMatchesImage(key, `${lookup}/foo/bar`), false, `${key} vs ${lookup}`);
});

test("the kubelet's TestDockerKeyringLookup and TestIssue3797 cases", () => {
  // kubernetes/kubernetes pkg/credentialprovider/keyring_test.go: [image, matches bar.example.com/pong, matches bar.example.com].
  const lookups: Array<[string, boolean, boolean]> = [
    ['bar.example.com', false, true],
    ['bar.example.com/pong', true, true],
    ['bar.example.com/ping', false, true],
    ['bar.example.com/pongz', true, true],
    ['bar.example.com/pong/pang', true, true],
    ['example.com', false, false],
    ['foo.example.com', false, false],
  ];
  for (const [image, pong, bare] of lookups) {
    assert.equal(keyMatchesImage('bar.example.com/pong', image), pong, `pong vs ${image}`);
    assert.equal(keyMatchesImage('bar.example.com', image), bare, `bare vs ${image}`);
  }
  for (const image of ['quay.io', 'quay.io/foo', 'quay.io/foo/bar'])
    assert.equal(keyMatchesImage('https://quay.io/v1/', image), true, image);
  assert.equal(normalizeAuthKey('https://quay.io/v1/'), 'quay.io');
  assert.equal(normalizeAuthKey('http://quay.io/v2/team'), 'quay.io/team');
  assert.equal(normalizeAuthKey('quay.io:443/'), 'quay.io:443');
  assert.equal(normalizeAuthKey('quay.io:x'), undefined);
});

test("the kubelet's Test_Provide and Test_decodeResponse keys", () => {
  // kubernetes/kubernetes pkg/credentialprovider/plugin/plugin_test.go: [auth key, image].
  const cases: Array<[string, string]> = [
    ['test.registry.io', 'test.registry.io/foo/bar'],
    ['test.registry.io/foo/bar', 'test.registry.io/foo/bar'],
    ['test.registry.io', 'test.registry.io'],
    ['*.registry.io:8080', 'test.registry.io:8080/foo'],
    ['*.*.registry.io', 'foo.bar.registry.io/foo/bar'],
    ['*.registry.io', 'test.registry.io'],
    ['*.registry.io', 'test.registry.io/foo/bar'],
  ];
  for (const [key, image] of cases) assert.equal(keyMatchesImage(key, image), true, `${key} vs ${image}`);
});

test('kubelet.md: label counts, ports and paths', () => {
  assert.equal(keyMatchesImage('*.io', 'a.b.io/x'), false);
  assert.equal(
    keyMatchesImage('registry.io', 'registry.io:5000/x'),
    false,
    'a key without a port does not match an image with one',
  );
  assert.equal(keyMatchesImage('registry.io:5000', 'registry.io/x'), false);
  assert.equal(keyMatchesImage('registry.io:5000', 'registry.io:05000/x'), false, 'ports compare as text');
  assert.equal(
    keyMatchesImage('registry.io/team', 'registry.io/teammate/x'),
    true,
    'path is a string prefix, not a segment prefix',
  );
  assert.equal(keyMatchesImage('registry.io/team/', 'registry.io/teammate/x'), false);
  assert.equal(keyMatchesImage('Registry.io', 'registry.io/x'), false, 'labels compare case-sensitively');
  assert.equal(keyMatchesImage('https://registry.io', 'registry.io/x'), true);
  assert.equal(keyMatchesImage('http://registry.io', 'registry.io/x'), true);
});

test('kubelet.md: the EKS matchImages cover every ECR host form, and the kubernetes.io China example does not', () => {
  const nodeadm = [
    '*.dkr.ecr.*.amazonaws.com',
    '*.dkr-ecr.*.on.aws',
    '*.dkr.ecr.*.amazonaws.com.cn',
    '*.dkr-ecr.*.on.amazonwebservices.com.cn',
    '*.dkr.ecr-fips.*.amazonaws.com',
    '*.dkr-ecr-fips.*.on.aws',
    '*.dkr.ecr.*.c2s.ic.gov',
    '*.dkr.ecr.*.sc2s.sgov.gov',
    '*.dkr.ecr.*.cloud.adc-e.uk',
    '*.dkr.ecr.*.csp.hci.ic.gov',
    '*.dkr.ecr.*.amazonaws.eu',
    'public.ecr.aws',
    'ecr-public.aws.com',
  ];
  const images = [
    '123456789012.dkr.ecr.us-east-1.amazonaws.com/app',
    '123456789012.dkr-ecr.us-east-1.on.aws/app',
    '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app',
    '123456789012.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn/app',
    '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/app',
    '123456789012.dkr-ecr-fips.us-east-1.on.aws/app',
    '123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov/app',
    '123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov/app',
    '123456789012.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk/app',
    '123456789012.dkr.ecr.us-isof-south-1.csp.hci.ic.gov/app',
    '123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu/app',
    'public.ecr.aws/docker/library/busybox',
    'ecr-public.aws.com/x/y',
  ];
  for (const image of images)
    assert.ok(
      nodeadm.some((pattern) => keyMatchesImage(pattern, image)),
      image,
    );
  assert.equal(
    keyMatchesImage('*.dkr.ecr.*.amazonaws.cn', '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app'),
    false,
  );
  assert.equal(
    keyMatchesImage('*.dkr.ecr.*.amazonaws.com', '123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example/app'),
    false,
  );
});

test("quirks of Go's URL parsing the kubelet inherits", () => {
  // `?` starts a query, so it can never act as a glob in a key: "quay.i?" is the host "quay.i".
  assert.equal(goFilepathMatch('i?', 'io'), true);
  assert.equal(keyMatchesImage('quay.i?', 'quay.io'), false);
  assert.equal(keyMatchesImage('quay.io#frag', 'quay.io/x'), true);
  // Character classes work inside a host label, but not at its start: Go reads a leading `[` as an IPv6 literal.
  assert.equal(keyMatchesImage('q[a-z]ay.io', 'quay.io/x'), true);
  assert.equal(keyMatchesImage('q[^u]ay.io', 'quay.io/x'), false);
  assert.equal(goFilepathMatch('[a-z]uay', 'quay'), true);
  assert.equal(keyMatchesImage('[a-z]uay.io', 'quay.io/x'), false);
  // A bad pattern or an unparsable URL is "no match", never a throw.
  assert.equal(keyMatchesImage('[.io', 'a.io'), false);
  assert.equal(keyMatchesImage('quay io', 'quay io'), false);
  assert.equal(keyMatchesImage('quay.io:80x', 'quay.io:80x'), false);
  assert.equal(urlsMatchStr('quay.io', 'quay.io/%zz'), false);
});

// matchTests, golang/go src/path/filepath/match_test.go: [pattern, name, match, bad pattern].
const GO_MATCH: Array<[string, string, boolean, boolean]> = [
  ['abc', 'abc', true, false],
  ['*', 'abc', true, false],
  ['*c', 'abc', true, false],
  ['a*', 'a', true, false],
  ['a*', 'abc', true, false],
  ['a*', 'ab/c', false, false],
  ['a*/b', 'abc/b', true, false],
  ['a*/b', 'a/c/b', false, false],
  ['a*b*c*d*e*/f', 'axbxcxdxe/f', true, false],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true, false],
  ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false, false],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false, false],
  ['a*b?c*x', 'abxbbxdbxebxczzx', true, false],
  ['a*b?c*x', 'abxbbxdbxebxczzy', false, false],
  ['ab[c]', 'abc', true, false],
  ['ab[b-d]', 'abc', true, false],
  ['ab[e-g]', 'abc', false, false],
  ['ab[^c]', 'abc', false, false],
  ['ab[^b-d]', 'abc', false, false],
  ['ab[^e-g]', 'abc', true, false],
  ['a\\*b', 'a*b', true, false],
  ['a\\*b', 'ab', false, false],
  ['a?b', 'a☺b', true, false],
  ['a[^a]b', 'a☺b', true, false],
  ['a???b', 'a☺b', false, false],
  ['a[^a][^a][^a]b', 'a☺b', false, false],
  ['[a-ζ]*', 'α', true, false],
  ['*[a-ζ]', 'A', false, false],
  ['a?b', 'a/b', false, false],
  ['a*b', 'a/b', false, false],
  ['[\\]a]', ']', true, false],
  ['[\\-]', '-', true, false],
  ['[x\\-]', 'x', true, false],
  ['[x\\-]', '-', true, false],
  ['[x\\-]', 'z', false, false],
  ['[\\-x]', 'x', true, false],
  ['[\\-x]', '-', true, false],
  ['[\\-x]', 'a', false, false],
  ['[]a]', ']', false, true],
  ['[-]', '-', false, true],
  ['[x-]', 'x', false, true],
  ['[x-]', '-', false, true],
  ['[x-]', 'z', false, true],
  ['[-x]', 'x', false, true],
  ['[-x]', '-', false, true],
  ['[-x]', 'a', false, true],
  ['\\', 'a', false, true],
  ['[a-b-c]', 'a', false, true],
  ['[', 'a', false, true],
  ['[^', 'a', false, true],
  ['[^bc', 'a', false, true],
  ['a[', 'a', false, true],
  ['a[', 'ab', false, true],
  ['a[', 'x', false, true],
  ['a/b[', 'x', false, true],
  ['*x', 'xxx', true, false],
];

test("goFilepathMatch agrees with Go's own filepath.Match tests", () => {
  for (const [pattern, name, match, bad] of GO_MATCH) {
    if (bad) assert.throws(() => goFilepathMatch(pattern, name), BadPatternError, `${pattern} vs ${name}`);
    else assert.equal(goFilepathMatch(pattern, name), match, `${pattern} vs ${name}`);
  }
});

test('assertEveryAuthKeyMatches', () => {
  const response = (auth: unknown) => JSON.stringify({ kind: 'CredentialProviderResponse', auth });
  const entry = { username: 'AWS', password: 'p' };
  assertEveryAuthKeyMatches(response({ 'a.io': entry, '*.io': entry }), 'a.io/x');
  for (const [text, image] of [
    [response({ 'a.io': entry, 'b.io': entry }), 'a.io/x'],
    [response({ 'a.io': entry }), 'a.io:5000/x'],
    [response({}), 'a.io/x'],
    [response(null), 'a.io/x'],
    [response([entry]), 'a.io/x'],
    [JSON.stringify({ kind: 'CredentialProviderResponse' }), 'a.io/x'],
    ['not json', 'a.io/x'],
  ] as const) {
    assert.throws(() => assertEveryAuthKeyMatches(text, image), assert.AssertionError, text);
  }
});
