// With `"credsStore": "ecr"`, the registries that are not ECR: `docker login/pull/logout` of another host land in
// and leave the store behind us (pass, named or the platform's), an ECR host in a region no config names is pulled
// with our token, and `pass` never sees an ECR host; with no store behind us, or one not installed, each failure
// says what to do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordedCalls } from '../../support/helper-bin';
import { transcript } from '../../support/command';
import {
  OTHER_HOST,
  OTHER_USER,
  OTHER_PASSWORD,
  ECR_HOST,
  fake,
  engine,
  passStore,
  passLog,
  session,
  useRig,
} from './rig';

useRig();

test('docker login, pull and logout of another registry land in pass and leave it; pass never sees an ECR host', async () => {
  const s = session('recpass');
  const login = await s.run(['login', '--username', OTHER_USER, '--password-stdin', OTHER_HOST], OTHER_PASSWORD);
  assert.equal(login.code, 0, transcript(login));
  assert.match(login.stdout, /Login Succeeded/);
  assert.doesNotMatch(login.stderr, /docker login is not needed/);
  // In pass, not in config.json.
  assert.deepEqual(passStore.list(), { [OTHER_HOST]: OTHER_USER });
  assert.doesNotMatch(readFileSync(join(s.configDir, 'config.json'), 'utf8'), new RegExp(OTHER_PASSWORD));

  const pull = await s.run(['pull', `${OTHER_HOST}/team/app:v1`]);
  assert.equal(pull.code, 0, transcript(pull));
  assert.deepEqual(engine.pulls.at(-1)!.auth, {
    username: OTHER_USER,
    password: OTHER_PASSWORD,
    serveraddress: OTHER_HOST,
  });
  assert.equal(fake.calls.length, 0, 'no AWS call for another registry');

  // An ECR host no configuration names: our token, from the region in the host.
  const ecr = await s.run(['pull', `${ECR_HOST}/repo:tag`]);
  assert.equal(ecr.code, 0, transcript(ecr));
  assert.equal(fake.callsFor('ecr').length, 1);
  assert.equal(fake.callsFor('ecr')[0].region, 'ap-southeast-7');
  assert.deepEqual(engine.pulls.at(-1)!.auth, {
    username: 'AWS',
    password: fake.issued[0].password,
    serveraddress: ECR_HOST,
  });

  // list merges both stores.
  const list = await s.helper(['list'], 'unused');
  assert.equal(list.code, 0, list.stderr);
  assert.deepEqual(JSON.parse(list.stdout), { [OTHER_HOST]: OTHER_USER, [`https://${ECR_HOST}`]: 'AWS' });

  const logout = await s.run(['logout', OTHER_HOST]);
  assert.equal(logout.code, 0, transcript(logout));
  assert.deepEqual(passStore.list(), {});
  const after = await s.run(['pull', `${OTHER_HOST}/team/app:v1`]);
  assert.notEqual(after.code, 0, 'after logout the registry refuses the anonymous pull');

  // docker login and logout of the ECR host never reach pass.
  const ecrLogin = await s.run(['login', ECR_HOST]);
  assert.equal(ecrLogin.code, 0, transcript(ecrLogin));
  const ecrLogout = await s.run(['logout', ECR_HOST]);
  assert.equal(ecrLogout.code, 0, transcript(ecrLogout));

  const calls = recordedCalls(passLog);
  assert.ok(calls.length >= 5, JSON.stringify(calls));
  for (const call of calls)
    assert.doesNotMatch(call.stdin, /amazonaws|dkr\.ecr|ecr\.aws/, `pass was handed ${call.action} ${call.stdin}`);
  // Verbatim: exactly what docker sent us.
  assert.deepEqual(
    calls.find((c) => c.action === 'store')!.stdin,
    `${JSON.stringify({ ServerURL: OTHER_HOST, Username: OTHER_USER, Secret: OTHER_PASSWORD })}\n`,
  );
  assert.ok(calls.some((c) => c.action === 'get' && c.stdin === OTHER_HOST));
  assert.ok(calls.some((c) => c.action === 'erase' && c.stdin === OTHER_HOST));
  assert.ok(calls.some((c) => c.action === 'list' && c.stdin === 'unused'));
});

test('with no store named, the platform one (pass, as Docker picks it on Linux) takes the other registries', async () => {
  const s = session(undefined);
  // docker-credential-pass is on the PATH the helper gets (/usr/bin), and so is pass.
  const login = await s.run(['login', '--username', OTHER_USER, '--password-stdin', OTHER_HOST], OTHER_PASSWORD);
  assert.equal(login.code, 0, transcript(login));
  assert.deepEqual(passStore.list(), { [OTHER_HOST]: OTHER_USER });
  const logout = await s.run(['logout', OTHER_HOST]);
  assert.equal(logout.code, 0, transcript(logout));
  assert.deepEqual(passStore.list(), {});
});

test('with no store behind us, docker login to another registry fails saying how to name one; pulls go on anonymously', async () => {
  const s = session('none');
  const before = passStore.list();
  const login = await s.run(['login', '--username', OTHER_USER, '--password-stdin', OTHER_HOST], OTHER_PASSWORD);
  assert.equal(login.code, 1, transcript(login));
  assert.match(
    login.stderr,
    /docker-credential-ecr stores no credentials for registry\.example\.test, which is not an ECR registry: no credential store for registries other than ECR \("credsStore": "none" in .*helper-config\.json\); name one in .*helper-config\.json \("credsStore": "pass"/,
  );
  assert.deepEqual(passStore.list(), before, 'nothing landed in pass');

  const get = await s.helper(['get'], OTHER_HOST);
  assert.equal(get.code, 1);
  assert.equal(get.stdout, 'credentials not found in native keychain\n');
  const pull = await s.run(['pull', `${OTHER_HOST}/team/app:v1`]);
  assert.deepEqual(engine.pulls.at(-1)!.auth, {}, 'docker pulls anonymously after "not found"');
  assert.notEqual(pull.code, 0);
});

test('a store named in the config but not installed: get says so and answers not found; store fails naming it', async () => {
  const s = session('nosuchstore');
  const get = await s.helper(['get'], OTHER_HOST);
  assert.equal(get.code, 1);
  assert.equal(get.stdout, 'credentials not found in native keychain\n');
  assert.match(get.stderr, /docker-credential-nosuchstore \(named in .*\) is not on PATH; pulling anonymously/);
  const store = await s.helper(['store'], JSON.stringify({ ServerURL: OTHER_HOST, Username: 'u', Secret: 'p' }));
  assert.equal(store.code, 1);
  assert.match(store.stdout, /docker-credential-nosuchstore .* is not on PATH; install it or fix the name/);
  assert.doesNotMatch(store.stdout + store.stderr, /"Secret"|\bp\b"/);
  const erase = await s.helper(['erase'], OTHER_HOST);
  assert.equal(erase.code, 1);
  assert.match(erase.stdout, /^docker-credential-nosuchstore \(named in .*\) is not on PATH\n$/);
});
