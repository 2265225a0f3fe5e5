// doctor IMAGE's verdicts in-process, with an in-memory RegistryApi (our own interface, src/aws/registry-api.ts):
// each registry answer and each API outcome, including the refusals, read as typed facts; and image parsing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseImage, type ImageRef } from '../../../src/commands/doctor/image';
import { explainAnswer } from '../../../src/commands/doctor/pull-verdict';
import { registryForHost, type EcrRegistry } from '../../../src/registry/host';
import type { ApiAnswer, RegistryApi } from '../../../src/aws/registry-api';

const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const REGISTRY = registryForHost(HOST) as EcrRegistry;
const IMAGE = parseImage(`${HOST}/team/app:v1`) as ImageRef;
const DENIED: ApiAnswer<never> = { ok: false, code: 'AccessDeniedException', message: 'not authorized' };

function api(opts: {
  repos?: Record<string, string[]>;
  policy?: ApiAnswer<string | undefined>;
  rules?: ApiAnswer<Array<{ prefix: string; upstream: string }>>;
  denyDescribe?: boolean;
}): RegistryApi {
  return {
    repositoryExists: async (name, region = 'us-east-1') =>
      opts.denyDescribe ? DENIED : { ok: true, value: (opts.repos?.[region] ?? []).includes(name) },
    repositoryPolicy: async () => opts.policy ?? { ok: true, value: undefined },
    pullThroughRules: async () => opts.rules ?? { ok: true, value: [] },
    destroy: () => undefined,
  };
}
const regions = (): string[] => ['us-east-1', 'us-west-2', 'eu-west-1', 'cn-north-1'];

test('image references: tag, digest, default tag; a bare host is not an image; a bad name is said', () => {
  assert.deepEqual(parseImage(`${HOST}/team/app:v1`), {
    input: `${HOST}/team/app:v1`,
    host: HOST,
    repository: 'team/app',
    reference: 'v1',
  });
  assert.equal((parseImage(`${HOST}/app`) as ImageRef).reference, 'latest');
  assert.equal((parseImage(`${HOST}/app@sha256:${'a'.repeat(64)}`) as ImageRef).reference, `sha256:${'a'.repeat(64)}`);
  assert.equal(parseImage(HOST), undefined);
  assert.equal(parseImage(`https://${HOST}/`), undefined);
  assert.match(parseImage(`${HOST}/Team/App`) as string, /is not a repository name/);
});

test('present, and a redirect that did not carry the token', async () => {
  const check = await explainAnswer(
    'image:x',
    IMAGE,
    {
      status: 200,
      digest: 'sha256:abc',
      mediaType: 'application/vnd.oci.image.index.v1+json',
      redirectedTo: 'elsewhere.example',
    },
    REGISTRY,
    undefined,
    regions,
  );
  assert.equal(check.status, 'ok');
  assert.match(
    check.message,
    /digest sha256:abc \(application\/vnd\.oci\.image\.index\.v1\+json\) \(after a redirect to elsewhere\.example, which was not sent the token\)/,
  );
});

test('NAME_UNKNOWN: the region it is in (same partition only), or that it is nowhere, or that the API was refused', async () => {
  const elsewhere = await explainAnswer(
    'i',
    IMAGE,
    { status: 404, code: 'NAME_UNKNOWN' },
    REGISTRY,
    api({ repos: { 'eu-west-1': ['team/app'], 'cn-north-1': ['team/app'] } }),
    regions,
  );
  assert.equal(elsewhere.status, 'fail');
  assert.match(
    elsewhere.message,
    /it exists in eu-west-1: pull 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/team\/app$/,
  );
  const nowhere = await explainAnswer('i', IMAGE, { status: 404, code: 'NAME_UNKNOWN' }, REGISTRY, api({}), regions);
  assert.match(nowhere.message, /it is in no other region of account 123456789012 either/);
  const refused = await explainAnswer(
    'i',
    IMAGE,
    { status: 404, code: 'NAME_UNKNOWN' },
    REGISTRY,
    api({ denyDescribe: true }),
    regions,
  );
  assert.match(
    refused.message,
    /ecr:DescribeRepositories was refused \(AccessDeniedException: needs ecr:DescribeRepositories\)/,
  );
});

test('MANIFEST_UNKNOWN: a missing tag when the repository exists, a missing repository when the API says so', async () => {
  const tag = await explainAnswer(
    'i',
    IMAGE,
    { status: 404, code: 'MANIFEST_UNKNOWN' },
    REGISTRY,
    api({ repos: { 'us-east-1': ['team/app'] } }),
    regions,
  );
  assert.match(tag.message, /the repository team\/app exists, but v1 is not in it/);
  const repo = await explainAnswer('i', IMAGE, { status: 404, code: 'MANIFEST_UNKNOWN' }, REGISTRY, api({}), regions);
  assert.match(repo.message, /there is no repository team\/app/);
});

test('DENIED: action, resource, explicit deny, the policy or why it is not shown; a pull-through prefix adds the first-pull permissions', async () => {
  const message =
    'User: arn:aws:iam::1:user/u is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:123456789012:repository/team/app with an explicit deny in a resource-based policy';
  const denied = await explainAnswer(
    'i',
    IMAGE,
    { status: 403, code: 'DENIED', message },
    REGISTRY,
    api({ policy: DENIED, rules: { ok: true, value: [{ prefix: 'team', upstream: 'ghcr.io' }] } }),
    regions,
  );
  assert.equal(denied.status, 'fail');
  assert.match(
    denied.message,
    /ecr:BatchGetImage on arn:aws:ecr:us-east-1:123456789012:repository\/team\/app is denied by an explicit deny/,
  );
  assert.match(denied.message, /the repository policy is not known: ecr:GetRepositoryPolicy was refused/);
  assert.match(
    denied.message,
    /under the pull-through-cache prefix "team" \(upstream ghcr\.io\), whose first pull needs ecr:BatchImportUpstreamImage/,
  );
  const noPolicy = await explainAnswer(
    'i',
    IMAGE,
    { status: 403, code: 'DENIED', message },
    REGISTRY,
    api({}),
    regions,
  );
  assert.match(noPolicy.message, /the repository has no policy/);
});
