// Kubelet mode's per-pod roles: the service-account token exchanged for the annotated role (never served to another
// account), expired tokens refused, and which annotation or setting names the role.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useFakeAws } from '../../support/use-fake-aws';
import { envOn, failed, HOST, IMAGE, ok, provide, request, ROLE_A, ROLE_B, serviceAccountToken, V1 } from './provider';

const fake = useFakeAws();
const env = envOn(fake);

test('per-pod roles: the service account token is exchanged for the annotated role; never served to another account', async () => {
  fake.trustWebIdentity(ROLE_A, { subjects: ['system:serviceaccount:team-a:puller'] });
  const e = env();
  const tokenA = serviceAccountToken('team-a', 'puller', '11111111-1111-4111-8111-111111111111');
  const response = ok(
    await provide(
      request(IMAGE, V1, {
        serviceAccountToken: tokenA,
        serviceAccountAnnotations: { 'eks.amazonaws.com/ecr-role-arn': ROLE_A },
      }),
      e,
    ),
    IMAGE,
  );
  const password = response.auth[HOST].password;
  assert.notEqual(password, tokenA, 'the password is never the service-account token');
  assert.equal(fake.webIdentityCalls.length, 1);
  assert.equal(fake.webIdentityCalls[0].outcome, 'ok');
  assert.equal(fake.webIdentityCalls[0].roleSessionName, 'ecr-credential-provider');
  const ecrCall = fake.callsFor('ecr')[0];
  assert.deepEqual(
    [fake.principalFor(ecrCall.accessKeyId)?.roleArn, fake.principalFor(ecrCall.accessKeyId)?.subject],
    [ROLE_A, 'system:serviceaccount:team-a:puller'],
  );

  // The same pod again: the disk cache, no STS or ECR call.
  ok(
    await provide(
      request(IMAGE, V1, {
        serviceAccountToken: tokenA,
        serviceAccountAnnotations: { 'eks.amazonaws.com/ecr-role-arn': ROLE_A },
      }),
      e,
    ),
    IMAGE,
  );
  assert.equal(fake.webIdentityCalls.length, 1);
  assert.equal(fake.callsFor('ecr').length, 1);

  // Another service account naming the same role: the trust policy refuses it, and it gets nothing.
  const tokenB = serviceAccountToken('team-b', 'intruder', '22222222-2222-4222-8222-222222222222');
  const other = await provide(
    request(IMAGE, V1, {
      serviceAccountToken: tokenB,
      serviceAccountAnnotations: { 'eks.amazonaws.com/ecr-role-arn': ROLE_A },
    }),
    e,
  );
  failed(other, /AssumeRoleWithWebIdentity|not authorized/i);
  assert.doesNotMatch(other.stderr, new RegExp(password));
  assert.doesNotMatch(other.stderr, new RegExp(tokenB.split('.')[1]));
  assert.equal(fake.webIdentityCalls[1].outcome, 'AccessDenied');
  assert.equal(fake.callsFor('ecr').length, 1);
});

test('per-pod roles: an expired service-account token is refused by its own exp, before the cache (a forgery, or a replay after exp)', async () => {
  fake.trustWebIdentity(ROLE_A, { subjects: ['system:serviceaccount:team-a:puller'] });
  const e = env();
  const uid = '11111111-1111-4111-8111-111111111111';
  const annotations = { 'eks.amazonaws.com/ecr-role-arn': ROLE_A };
  // A genuine token that expires in a few seconds; asked twice, so the second answer is a hit (and may leave a memo).
  const expiresIn = 3;
  const genuine = serviceAccountToken(
    'team-a',
    'puller',
    uid,
    'sts.amazonaws.com',
    Math.floor(Date.now() / 1000) + expiresIn,
  );
  const startedAt = Date.now();
  ok(
    await provide(request(IMAGE, V1, { serviceAccountToken: genuine, serviceAccountAnnotations: annotations }), e),
    IMAGE,
  );
  ok(
    await provide(request(IMAGE, V1, { serviceAccountToken: genuine, serviceAccountAnnotations: annotations }), e),
    IMAGE,
  );
  assert.equal(fake.webIdentityCalls.length, 1);
  // The same claims, a signature no API server made, exp in 2001: refused, with no STS call and no token.
  const forged = serviceAccountToken('team-a', 'puller', uid, 'sts.amazonaws.com', 978_307_200, 'forged');
  const refused = await provide(
    request(IMAGE, V1, { serviceAccountToken: forged, serviceAccountAnnotations: annotations }),
    e,
  );
  failed(
    refused,
    /^docker-credential-ecr: service-account token of team-a\/puller expired at 2001-01-01T00:00:00\.000Z; /,
  );
  assert.equal(fake.webIdentityCalls.length, 1);
  // The genuine token replayed after its exp: refused too (the memo of its hit ends at the token's exp).
  await new Promise((done) => setTimeout(done, Math.max(0, startedAt + (expiresIn + 1) * 1000 - Date.now())));
  const replay = await provide(
    request(IMAGE, V1, { serviceAccountToken: genuine, serviceAccountAnnotations: annotations }),
    e,
  );
  failed(replay, /service-account token of team-a\/puller expired at /);
  assert.equal(fake.webIdentityCalls.length, 1);
  assert.equal(fake.callsFor('ecr').length, 1);
});

test('per-pod roles: role-arn (IRSA key) when ecr-role-arn is absent, then AWS_ECR_ROLE_ARN, else the node identity', async () => {
  fake.trustWebIdentity(ROLE_A, { subjects: ['system:serviceaccount:*'] });
  fake.trustWebIdentity(ROLE_B, { subjects: ['system:serviceaccount:*'] });
  const token = serviceAccountToken('apps', 'web', '33333333-3333-4333-8333-333333333333');
  const roleOfLastEcrCall = () => fake.principalFor(fake.callsFor('ecr').at(-1)!.accessKeyId)?.roleArn;

  ok(
    await provide(
      request(IMAGE, V1, {
        serviceAccountToken: token,
        serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': ROLE_B },
      }),
      env(),
    ),
    IMAGE,
  );
  assert.equal(roleOfLastEcrCall(), ROLE_B);
  ok(
    await provide(
      request(IMAGE, V1, {
        serviceAccountToken: token,
        serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': ROLE_B, 'eks.amazonaws.com/ecr-role-arn': ROLE_A },
      }),
      env(),
    ),
    IMAGE,
  );
  assert.equal(roleOfLastEcrCall(), ROLE_A, 'ecr-role-arn wins');
  ok(
    await provide(
      request(IMAGE, V1, { serviceAccountToken: token, serviceAccountAnnotations: {} }),
      env({ AWS_ECR_ROLE_ARN: ROLE_B }),
    ),
    IMAGE,
  );
  assert.equal(roleOfLastEcrCall(), ROLE_B);
  const calls = fake.webIdentityCalls.length;
  ok(await provide(request(IMAGE, V1, { serviceAccountToken: token, serviceAccountAnnotations: {} }), env()), IMAGE);
  assert.equal(fake.callsFor('ecr').at(-1)!.accessKeyId, 'AKIAE2ETESTKEY000001', 'no role named: the node identity');
  assert.equal(fake.webIdentityCalls.length, calls);
});
