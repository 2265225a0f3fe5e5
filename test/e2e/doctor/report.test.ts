// doctor's report on a good setup: every line ok, exit 0, and the same checks as one --json object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useFakeAws } from '../../support/use-fake-aws';
import { EXECUTABLE } from '../../support/executable';
import { doctor, HOST, line, setupsOn } from './setup';

const fake = useFakeAws();
const { setup, assertNoSecrets } = setupsOn(fake);

test('a good setup: every line ok, exit 0; the second run asks AWS again (issue 27: no verdict rests on the cache)', async () => {
  const s = setup();
  const first = await doctor(s);
  assert.equal(first.code, 0, first.stdout + first.stderr);
  const lines = first.stdout.trim().split('\n');
  // Issue 27: a clean plain run ends by suggesting `doctor IMAGE`, after the summary.
  assert.equal(
    lines.pop(),
    'The token side is sound. To ask the registry about an image as well: docker-credential-ecr doctor HOST/REPOSITORY:TAG',
  );
  const summary = lines.pop()!;
  assert.match(summary, /^\d+ ok, 0 warnings, 0 failed$/);
  for (const l of lines) assert.match(l, /^ok {4}/, l);
  line(
    first,
    'ok',
    new RegExp(`^ok {4}docker-credential-ecr \\d+\\.\\d+\\.\\d+ at ${EXECUTABLE.replace(/[.]/g, '\\.')}$`),
  );
  line(first, 'ok', /on PATH: .*\/bin\/docker-credential-ecr$/);
  line(first, 'ok', /Docker config .*\.docker\/config\.json/);
  line(first, 'ok', /123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com: credHelpers sends it to docker-credential-ecr/);
  line(
    first,
    'ok',
    /AWS identity arn:aws:iam::123456789012:user\/AKIADOCTORTESTKEY001 \(account 123456789012\), from environment variables/,
  );
  line(
    first,
    'ok',
    /ECR API in eu-west-1 via http:\/\/127\.0\.0\.1:\d+ as environment key AKIADOCTORTESTKEY001: token fetched from AWS now, valid until/,
  );
  line(first, 'ok', /cached token fresh until .*, then refreshed; it expires/);
  assert.equal(fake.callsFor('sts')[0]?.action, 'GetCallerIdentity');
  assert.equal(fake.callsFor('ecr').length, 1);
  assertNoSecrets(first);

  const second = await doctor(s);
  assert.equal(second.code, 0);
  line(second, 'ok', /token fetched from AWS now, valid until .*; the cache held one valid until/);
  assert.equal(fake.callsFor('ecr').length, 2, 'the verdict came from AWS, not from the cache');
});

test('--json: one object {ok, checks: [{name, status, message, fix?}]}', async () => {
  const good = await doctor(setup(), '--json');
  assert.equal(good.code, 0);
  const report = JSON.parse(good.stdout) as {
    ok: boolean;
    checks: Array<{ name: string; status: string; message: string; fix?: string }>;
  };
  assert.equal(report.ok, true);
  assert.ok(
    report.checks.every((c) => c.status === 'ok' && typeof c.message === 'string' && typeof c.name === 'string'),
  );
  assert.deepEqual(
    report.checks.map((c) => c.name),
    [
      'version',
      'path',
      'docker-config',
      'helper-config',
      `route:${HOST}`,
      'identity',
      'own-registry',
      'cache',
      `token:${HOST}`,
      `cache:${HOST}`,
    ],
  );

  fake.fail('ecr', 'access-denied');
  const bad = await doctor(setup(), '--json');
  assert.equal(bad.code, 1);
  const failed = JSON.parse(bad.stdout) as typeof report;
  assert.equal(failed.ok, false);
  const token = failed.checks.find((c) => c.name === `token:${HOST}`);
  assert.equal(token?.status, 'fail');
  assert.match(token?.fix ?? '', /needs IAM permission ecr:GetAuthorizationToken/);
  assertNoSecrets(bad);
});
