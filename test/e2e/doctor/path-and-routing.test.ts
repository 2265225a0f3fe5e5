// doctor on how Docker reaches the helper: not on PATH, the ECR host sent to another helper or to none, and a
// credsStore answering for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useFakeAws } from '../../support/use-fake-aws';
import { EXECUTABLE } from '../../support/executable';
import { shellWords } from '../../support/shell';
import { doctor, HOST, line, setupsOn } from './setup';

const fake = useFakeAws();
const { setup } = setupsOn(fake);

test('helper not on PATH: fail, and the symlink command naming this executable', async () => {
  const s = setup();
  s.env.PATH = '/usr/bin:/bin';
  const result = await doctor(s);
  assert.equal(result.code, 1);
  const fail = line(
    result,
    'fail',
    /docker-credential-ecr is not on PATH, so Docker cannot run it.*; fix: sudo ln -s .* \/usr\/local\/bin\/docker-credential-ecr$/,
  );
  // As a shell splits it: the path stays one word wherever the checkout is (a space, a quote).
  assert.deepEqual(shellWords(fail.replace(/^.*; fix: /, '')), [
    'sudo',
    'ln',
    '-s',
    EXECUTABLE,
    '/usr/local/bin/docker-credential-ecr',
  ]);
});

test('host not routed to ecr (another helper, or no entry at all): fail, fix is configure --registry', async () => {
  // PATH without /usr/bin: this machine may have the Go helper there (the bench compares with it).
  const withGoHelperMissing = setup({ credHelpers: { [HOST]: 'ecr-login' } });
  withGoHelperMissing.env.PATH = join(withGoHelperMissing.home, 'bin');
  const other = await doctor(withGoHelperMissing);
  assert.equal(other.code, 1);
  // Not on PATH here: Docker cannot run it (with it installed it is a warning: test/e2e/doctor-verdicts/docker-config/go-helper.test.ts).
  line(
    other,
    'fail',
    new RegExp(
      `credHelpers sends it to docker-credential-ecr-login, which is not on PATH, so Docker's pulls fail .*; fix: docker-credential-ecr configure --registry ${HOST.replace(/\./g, '\\.')}$`,
    ),
  );

  const none = await doctor(setup({ auths: {} }), HOST);
  assert.equal(none.code, 1);
  line(
    none,
    'fail',
    /not in credHelpers of .*config\.json, so Docker does not ask this helper; fix: docker-credential-ecr configure --registry 123456789012/,
  );

  const empty = await doctor(setup({}));
  assert.equal(empty.code, 1);
  line(empty, 'fail', /no ECR registry in .* goes to this helper; fix: docker-credential-ecr configure$/);
});

test('credsStore only: the store answers for the ECR host; fail and warn, both naming configure', async () => {
  const result = await doctor(setup({ credsStore: 'desktop' }), HOST);
  assert.equal(result.code, 1);
  line(
    result,
    'fail',
    /not in credHelpers, so credsStore "desktop" answers for it with the token docker login stored there, which expires after 12 hours.*; fix: docker-credential-ecr configure --registry 123456789012/,
  );
  line(
    result,
    'warn',
    /credsStore "desktop" answers for ECR hosts not in credHelpers: 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com; fix: docker-credential-ecr configure --registry 123456789012/,
  );
});
