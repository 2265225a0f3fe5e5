import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeletRequestError } from '../../src/kubelet/request';
import {
  ECR_ROLE_ARN_ANNOTATION,
  ECR_ROLE_ARN_ENV,
  IRSA_ROLE_ARN_ANNOTATION,
  roleForServiceAccount,
} from '../../src/kubelet/role';

const ECR_ROLE = 'arn:aws:iam::123456789012:role/ecr-puller';
const IRSA_ROLE = 'arn:aws:iam::123456789012:role/app';
const NODE_ROLE = 'arn:aws:iam::210987654321:role/node-default';

test("the annotation keys are the ones EKS and AWS's plugin use", () => {
  assert.equal(ECR_ROLE_ARN_ANNOTATION, 'eks.amazonaws.com/ecr-role-arn');
  assert.equal(IRSA_ROLE_ARN_ANNOTATION, 'eks.amazonaws.com/role-arn');
  assert.equal(ECR_ROLE_ARN_ENV, 'AWS_ECR_ROLE_ARN');
});

test('ecr-role-arn beats role-arn, which beats AWS_ECR_ROLE_ARN', () => {
  const env = { AWS_ECR_ROLE_ARN: NODE_ROLE };
  assert.deepEqual(
    roleForServiceAccount({ [ECR_ROLE_ARN_ANNOTATION]: ECR_ROLE, [IRSA_ROLE_ARN_ANNOTATION]: IRSA_ROLE }, env),
    {
      roleArn: ECR_ROLE,
      source: 'annotation eks.amazonaws.com/ecr-role-arn',
    },
  );
  assert.deepEqual(roleForServiceAccount({ [IRSA_ROLE_ARN_ANNOTATION]: IRSA_ROLE }, env), {
    roleArn: IRSA_ROLE,
    source: 'annotation eks.amazonaws.com/role-arn',
  });
  assert.deepEqual(roleForServiceAccount({}, env), { roleArn: NODE_ROLE, source: 'environment AWS_ECR_ROLE_ARN' });
  assert.deepEqual(roleForServiceAccount({ 'other.io/x': ECR_ROLE }, env), {
    roleArn: NODE_ROLE,
    source: 'environment AWS_ECR_ROLE_ARN',
  });
});

test('nothing set means no role', () => {
  assert.equal(roleForServiceAccount({}, {}), undefined);
  assert.equal(roleForServiceAccount({}, { AWS_ECR_ROLE_ARN: undefined }), undefined);
});

test('blank values count as unset; surrounding whitespace is dropped', () => {
  assert.deepEqual(
    roleForServiceAccount({ [ECR_ROLE_ARN_ANNOTATION]: '', [IRSA_ROLE_ARN_ANNOTATION]: ` ${IRSA_ROLE}\n` }, {}),
    {
      roleArn: IRSA_ROLE,
      source: 'annotation eks.amazonaws.com/role-arn',
    },
  );
  assert.equal(roleForServiceAccount({ [ECR_ROLE_ARN_ANNOTATION]: ' ' }, { AWS_ECR_ROLE_ARN: '' }), undefined);
});

test('only own annotation properties count', () => {
  const inherited = Object.create({ [ECR_ROLE_ARN_ANNOTATION]: ECR_ROLE }) as Record<string, string>;
  assert.equal(roleForServiceAccount(inherited, {}), undefined);
});

test('well-formed role ARNs in every partition, with paths', () => {
  for (const arn of [
    'arn:aws:iam::123456789012:role/a',
    'arn:aws-cn:iam::123456789012:role/ecr',
    'arn:aws-us-gov:iam::123456789012:role/ecr',
    'arn:aws-iso-b:iam::123456789012:role/ecr',
    'arn:aws:iam::123456789012:role/service-role/team/ecr+puller=x,y.z@w_1',
    `arn:aws:iam::123456789012:role/${'n'.repeat(64)}`,
  ]) {
    assert.equal(roleForServiceAccount({ [ECR_ROLE_ARN_ANNOTATION]: arn }, {})?.roleArn, arn);
  }
});

test('a malformed ARN is refused, naming the key and not the value', () => {
  const bad = [
    'ecr-puller',
    'arn:aws:iam::12345678901:role/x',
    'arn:aws:iam::1234567890123:role/x',
    'arn:aws:iam:us-east-1:123456789012:role/x',
    'arn:aws:iam::123456789012:user/x',
    'arn:aws:sts::123456789012:assumed-role/x/session',
    'arn:aws:iam::123456789012:role/',
    'arn:aws:iam::123456789012:role/a b',
    'arn:aws:iam::123456789012:role/path//x',
    `arn:aws:iam::123456789012:role/${'n'.repeat(65)}`,
    'arn:AWS:iam::123456789012:role/x',
    `${ECR_ROLE}\nsecret`,
  ];
  for (const value of bad) {
    for (const key of [ECR_ROLE_ARN_ANNOTATION, IRSA_ROLE_ARN_ANNOTATION]) {
      assert.throws(
        () => roleForServiceAccount({ [key]: value }, { AWS_ECR_ROLE_ARN: NODE_ROLE }),
        (error: unknown) => {
          assert.ok(error instanceof KubeletRequestError);
          assert.equal(
            error.message,
            `service-account annotation ${key} is not an IAM role ARN (arn:<partition>:iam::<12-digit account>:role/<name>)`,
          );
          return true;
        },
        `${key}=${value}`,
      );
    }
    assert.throws(() => roleForServiceAccount({}, { AWS_ECR_ROLE_ARN: value }), {
      message:
        'environment variable AWS_ECR_ROLE_ARN is not an IAM role ARN (arn:<partition>:iam::<12-digit account>:role/<name>)',
    });
  }
});

test('a malformed ecr-role-arn does not fall through to role-arn', () => {
  assert.throws(
    () => roleForServiceAccount({ [ECR_ROLE_ARN_ANNOTATION]: 'nope', [IRSA_ROLE_ARN_ANNOTATION]: IRSA_ROLE }, {}),
    KubeletRequestError,
  );
});
