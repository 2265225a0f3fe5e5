import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeletRequestError } from '../../src/kubelet/request';
import { serviceAccountFromToken } from '../../src/kubelet/service-account';

/** Before the claims' exp (2030). */
const NOW = 1_800_000_000_000;
const UID = '2f1a9c3e-7b4d-4e8f-9a0b-1c2d3e4f5a6b';
const b64url = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const jwt = (payload: unknown, header: unknown = { alg: 'RS256', kid: 'k1' }) =>
  `${b64url(header)}.${b64url(payload)}.c2lnbmF0dXJlLXNlY3JldA`;

/** The claims a projected token carries (kube-apiserver's serviceaccount claims), with overrides. */
function claims(overrides: Record<string, unknown> = {}, kubernetes: Record<string, unknown> = {}) {
  return {
    aud: ['sts.amazonaws.com'],
    exp: 1_900_000_000,
    iat: 1_899_996_400,
    iss: 'https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE',
    sub: 'system:serviceaccount:team-a:puller',
    'kubernetes.io': {
      namespace: 'team-a',
      node: { name: 'ip-10-0-0-1.ec2.internal', uid: 'aaaaaaaa-0000-0000-0000-000000000000' },
      pod: { name: 'app-7d9f', uid: 'bbbbbbbb-0000-0000-0000-000000000000' },
      serviceaccount: { name: 'puller', uid: UID },
      ...kubernetes,
    },
    ...overrides,
  };
}

function assertRefused(token: string, message: string) {
  assert.throws(
    () => serviceAccountFromToken(token, NOW),
    (error: unknown) => {
      assert.ok(error instanceof KubeletRequestError, String(error));
      assert.equal(error.message, message);
      // Neither the signature nor any encoded segment is echoed.
      for (const part of token.split('.'))
        if (part.length > 8) assert.ok(!error.message.includes(part), 'token segment in message');
      return true;
    },
  );
}

test('a projected token names its namespace, account and uid', () => {
  assert.deepEqual(serviceAccountFromToken(jwt(claims()), NOW), {
    namespace: 'team-a',
    name: 'puller',
    uid: UID,
    expiresAt: 1_900_000_000_000,
  });
});

test('sub is optional; the kubernetes.io claim is what names the account', () => {
  const { sub: _sub, ...withoutSub } = claims();
  assert.deepEqual(serviceAccountFromToken(jwt(withoutSub), NOW), {
    namespace: 'team-a',
    name: 'puller',
    uid: UID,
    expiresAt: 1_900_000_000_000,
  });
});

test('a dotted service-account name is allowed', () => {
  const token = jwt(
    claims({ sub: 'system:serviceaccount:team-a:ecr.puller' }, { serviceaccount: { name: 'ecr.puller', uid: UID } }),
  );
  assert.equal(serviceAccountFromToken(token, NOW).name, 'ecr.puller');
});

test('a sub that disagrees with the claim is refused', () => {
  for (const sub of [
    'system:serviceaccount:team-b:puller',
    'system:serviceaccount:team-a:other',
    'team-a:puller',
    '',
    7,
  ]) {
    assertRefused(
      jwt(claims({ sub })),
      "service-account token sub does not name the kubernetes.io claim's account team-a/puller",
    );
  }
});

test('missing or malformed claims are refused', () => {
  const cases: Array<[string, string]> = [
    [
      jwt(claims({ 'kubernetes.io': undefined })),
      'service-account token has no kubernetes.io claim; is it a projected service-account token?',
    ],
    [
      jwt(claims({ 'kubernetes.io': 'team-a' })),
      'service-account token has no kubernetes.io claim; is it a projected service-account token?',
    ],
    [jwt(claims({}, { namespace: undefined })), 'service-account token has no kubernetes.io namespace'],
    [jwt(claims({}, { namespace: '' })), 'service-account token has no kubernetes.io namespace'],
    [jwt(claims({}, { serviceaccount: undefined })), 'service-account token has no kubernetes.io serviceaccount name'],
    [
      jwt(claims({}, { serviceaccount: { uid: UID } })),
      'service-account token has no kubernetes.io serviceaccount name',
    ],
    [
      jwt(claims({}, { serviceaccount: { name: 'puller' } })),
      'service-account token has no kubernetes.io serviceaccount uid',
    ],
    [
      jwt(claims({}, { serviceaccount: { name: 'puller', uid: 42 } })),
      'service-account token has no kubernetes.io serviceaccount uid',
    ],
    [jwt(claims({}, { namespace: 'Team_A' })), 'service-account token namespace is not a valid namespace name'],
    [jwt(claims({}, { namespace: 'a'.repeat(64) })), 'service-account token namespace is not a valid namespace name'],
    [
      jwt(claims({}, { serviceaccount: { name: 'bad:name', uid: UID } })),
      'service-account token serviceaccount name is not a valid name',
    ],
    [
      jwt(claims({}, { serviceaccount: { name: 'puller', uid: 'x/../y' } })),
      'service-account token serviceaccount uid is not a UID',
    ],
  ];
  for (const [token, message] of cases) assertRefused(token, message);
});

test('something that is not a JWT is refused', () => {
  const payload = b64url(claims());
  const cases: Array<[string, string]> = [
    ['', 'service-account token is empty'],
    ['service-account-token', 'service-account token is not a JWT (header.payload.signature in base64url)'],
    [
      `${b64url({ alg: 'none' })}.${payload}`,
      'service-account token is not a JWT (header.payload.signature in base64url)',
    ],
    [
      `${b64url({ alg: 'RS256' })}.${payload}.sig.extra.parts`,
      'service-account token is not a JWT (header.payload.signature in base64url)',
    ],
    [
      `${b64url({ alg: 'RS256' })}.${Buffer.from(JSON.stringify(claims())).toString('base64')}+/.sig`,
      'service-account token is not a JWT (header.payload.signature in base64url)',
    ],
    [`${b64url({ alg: 'RS256' })}..sig`, 'service-account token is not a JWT (header.payload.signature in base64url)'],
    [`${b64url('not json')}.${payload}.sig`, 'service-account token header is not a JSON object'],
    [`${b64url({ alg: 'RS256' })}.${b64url('{"sub":')}.sig`, 'service-account token payload is not a JSON object'],
    [`${b64url({ alg: 'RS256' })}.${b64url([1, 2])}.sig`, 'service-account token payload is not a JSON object'],
    [
      `${b64url({ alg: 'RS256' })}.${Buffer.from([0xff, 0xfe, 0x7b]).toString('base64url')}.sig`,
      'service-account token payload is not a JSON object',
    ],
    ['a'.repeat(64 * 1024 + 1), 'service-account token is larger than 64 KiB'],
  ];
  for (const [token, message] of cases) assertRefused(token, message);
});

test('the signature is not checked (the kubelet got the token from the API server)', () => {
  const [header, payload] = jwt(claims()).split('.');
  assert.equal(serviceAccountFromToken(`${header}.${payload}.`, NOW).name, 'puller');
});

test('an expired token, or one without exp, is refused by its own claim (before any cache could answer it)', () => {
  assertRefused(
    jwt(claims({ exp: 978_307_200 })),
    "service-account token of team-a/puller expired at 2001-01-01T00:00:00.000Z; the kubelet sends a fresh one (is this node's clock right?)",
  );
  assertRefused(
    jwt(claims({ exp: NOW / 1000 })),
    `service-account token of team-a/puller expired at ${new Date(NOW).toISOString()}; the kubelet sends a fresh one (is this node's clock right?)`,
  );
  const { exp: _exp, ...noExp } = claims();
  assertRefused(
    jwt(noExp),
    'service-account token of team-a/puller has no exp claim; the kubelet sends bound tokens, which always have one',
  );
  assertRefused(
    jwt(claims({ exp: '1900000000' })),
    'service-account token of team-a/puller has no exp claim; the kubelet sends bound tokens, which always have one',
  );
  assert.equal(serviceAccountFromToken(jwt(claims({ exp: NOW / 1000 + 1 })), NOW).expiresAt, NOW + 1000);
});
