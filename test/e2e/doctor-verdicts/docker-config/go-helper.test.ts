// The Go helper (ecr-login) in credHelpers, run as Docker runs it: answering is a working set-up (a warning),
// giving nothing is a failure naming it (issue 27).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../../../support/use-fake-aws';
import { transcript } from '../../../support/command';
import { useDockerPull } from '../docker-pull';
import { apply, doctor, fixOf, HOST, line, machineOn } from '../verdict-machine';

const fake = useFakeAws();
const machine = machineOn(fake);
const { engine, pull } = useDockerPull(fake);

test('the Go helper (ecr-login) in credHelpers: run as Docker runs it; answering is a working set-up (a warning), giving nothing is a failure naming it (issue 27)', async () => {
  const m = machine({ credHelpers: { [HOST]: 'ecr-login' } });
  // Only our bin on PATH: this machine may have the Go helper in /usr/bin (the bench compares with it).
  m.env.PATH = m.bin;
  // Without docker-credential-ecr-login on PATH, Docker's pulls fail: that is a failure.
  const missing = await doctor(m);
  assert.equal(missing.code, 1);
  line(
    missing,
    'fail',
    /credHelpers sends it to docker-credential-ecr-login, which is not on PATH, so Docker's pulls fail \("docker-credential-ecr-login: executable file not found in \$PATH"\); fix: docker-credential-ecr configure --registry/,
  );
  // Installed and answering with a token (its shape: base64 JSON with the expiry, as ECR's): a working set-up.
  const goHelper = join(m.bin, 'docker-credential-ecr-login');
  const secret = Buffer.from(
    JSON.stringify({ payload: 'go-helper-secret-payload', expiration: Math.floor(Date.now() / 1000) + 3600 }),
  ).toString('base64');
  writeFileSync(
    goHelper,
    `#!/bin/sh\nread host\nprintf '{"ServerURL":"%s","Username":"AWS","Secret":"${secret}"}' "$host"\n`,
  );
  chmodSync(goHelper, 0o755);
  const answering = await doctor(m);
  assert.equal(answering.code, 0, answering.stdout);
  const verdict = line(
    answering,
    'warn',
    /credHelpers sends it to docker-credential-ecr-login \(.*\/bin\/docker-credential-ecr-login\), which answers Docker for it, not this helper \(asked now: it gave a token valid until \S+Z\)/,
  );
  assert.equal(fixOf(verdict), `to switch to this helper: docker-credential-ecr configure --registry ${HOST}`);
  assert.ok(
    !(answering.stdout + answering.stderr).includes(secret.slice(0, 16)),
    "the other helper's secret was printed",
  );

  // Giving nothing (what the Go helper answers on every failure): Docker pulls anonymously, and doctor says so.
  writeFileSync(goHelper, '#!/bin/sh\nprintf "credentials not found in native keychain"\nexit 1\n');
  engine.reset();
  const anonymous = await pull(m);
  assert.equal(anonymous.code, 1, transcript(anonymous));
  assert.equal(engine.pulls[0]?.auth?.password, undefined, 'Docker sent no credentials');
  const before = await doctor(m);
  assert.equal(before.code, 1, before.stdout);
  const failed = line(
    before,
    'fail',
    /credHelpers sends it to docker-credential-ecr-login \(.*\), which gives nothing for it \("credentials not found in native keychain"\) \(its log, ~\/\.ecr\/log\/ecr-login\.log, says why\) when asked now as Docker asks; Docker then pulls anonymously, and the pull fails with "no basic auth credentials"/,
  );
  assert.equal(fixOf(failed), `docker-credential-ecr configure --registry ${HOST}`);
  const switched = await apply(m, fixOf(failed));
  assert.match(switched.stdout, /went to docker-credential-ecr-login before; it now goes to docker-credential-ecr\./);
  const after = await doctor(m);
  assert.equal(after.code, 0);
  line(after, 'ok', /credHelpers sends it to docker-credential-ecr$/);
  engine.reset();
  const working = await pull(m);
  assert.equal(working.code, 0, transcript(working));
});
