// doctor's verdict on credsStore "ecr", in-process, with stub stores on a real PATH: the store behind us is tried
// (its `list`), so a store that cannot work (secretservice without a session bus, a hung keyring) is not an ok.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { credsStoreChecks } from '../../../src/commands/doctor/creds-store';
import { readSettings } from '../../../src/platform/settings';
import { tempDir } from '../../support/temp';

function setUp(
  store: string,
  script: string,
): { settings: ReturnType<typeof readSettings>; env: Record<string, string> } {
  const home = tempDir('dce-doctor-store-');
  const bin = join(home, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, `docker-credential-${store}`), `#!/bin/sh\n${script}\n`);
  chmodSync(join(bin, `docker-credential-${store}`), 0o755);
  mkdirSync(join(home, '.config', 'docker-credential-ecr'), { recursive: true });
  writeFileSync(join(home, '.config', 'docker-credential-ecr', 'config.json'), JSON.stringify({ credsStore: store }));
  const env = { HOME: home, PATH: `${bin}:/usr/bin:/bin` };
  return { settings: readSettings(env, () => undefined), env };
}

test('a store whose list fails is a warning that quotes its one-line error', async () => {
  const { settings, env } = setUp(
    'secretservice',
    "cat >/dev/null; echo 'Error from list function in secretservice_linux.c likely due to error in secretservice library'; exit 1",
  );
  const [check] = await credsStoreChecks(settings, env);
  assert.equal(check.status, 'warn');
  assert.match(
    check.message,
    /docker-credential-secretservice at .+ \(named in .*\), but it does not work: `list` failed \(exit 1\): Error from list function in secretservice_linux\.c/,
  );
  assert.equal(check.fix, 'check docker-credential-secretservice itself: `docker-credential-secretservice list`');
});

test('a store that answers list is ok, with its number of logins, and the logins themselves are not shown', async () => {
  const { settings, env } = setUp(
    'desktop',
    `cat >/dev/null; printf '{"ghcr.io":"octocat-user-x","https://index.docker.io/v1/":"bob-user-y"}'`,
  );
  const [check] = await credsStoreChecks(settings, env);
  assert.equal(check.status, 'ok');
  assert.match(check.message, /go on to docker-credential-desktop at .+ \(named in .*\), which holds 2 logins$/);
  assert.doesNotMatch(check.message, /octocat-user-x|bob-user-y/);
});

test(
  'a store that hangs is given up on (10 s in doctor; 1 s here), as a warning, not a hung doctor',
  { timeout: 10_000 },
  async () => {
    const { settings, env } = setUp('hung', 'sleep 60');
    const [check] = await credsStoreChecks(settings, env, process.platform, 1_000);
    assert.equal(check.status, 'warn');
    assert.match(
      check.message,
      /but it does not work: `list` did not complete: no answer within 1 s; docker login to them will fail$/,
    );
  },
);
