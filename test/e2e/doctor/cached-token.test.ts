// doctor on a cached token past its refresh point that cannot be refreshed (issue 27).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useFakeAws } from '../../support/use-fake-aws';
import { runExecutable } from '../../support/executable';
import { doctor, HOST, line, setupsOn } from './setup';

const fake = useFakeAws();
const { setup } = setupsOn(fake);

test('a cached token past its refresh point that cannot be refreshed: a failure (issue 27: pulls stop when it expires), saying until when it serves', async () => {
  // expiresAt comes in whole seconds, so a 6 s token lives between 5 and 7 s on our clock: its refresh is due
  // after at most 3.5 s, and it is still valid until at least 5 s.
  fake.setTokenLifetime(6);
  const s = setup();
  s.env.DOCKER_CREDENTIAL_ECR_TIMEOUT_MS = '1000';
  assert.equal((await runExecutable(['get'], { stdin: HOST, env: s.env })).code, 0);
  await new Promise((r) => setTimeout(r, 3_700));
  fake.fail('ecr', 'access-denied'); // not retried, so the refresh fails at once, well before the token expires
  const result = await doctor(s);
  assert.equal(result.code, 1, result.stdout);
  line(
    result,
    'fail',
    /pulls work until \S+ \(in \d+ min\) with the cached token; a new token is refused: access denied/,
  );
  line(result, 'warn', /cached token due for refresh; it expires/);
});
