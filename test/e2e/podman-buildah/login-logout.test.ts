// podman login and logout: with credHelpers in the file podman writes they reach the helper's get, store and erase;
// with credHelpers only in ~/.docker/config.json podman keeps the token itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { transcript, type CommandResult } from '../../support/command';
import { tempDir } from '../../support/temp';
import { cacheDir, fake, HOST, token, trustDir, useRig } from './rig';
import { ERASE, GET, loadLocal, ok, pull, session, STORE, UNAUTHORIZED } from './session';

useRig();

for (const where of ['REGISTRY_AUTH_FILE', 'XDG_RUNTIME_DIR'] as const) {
  test(`podman login and logout with credHelpers in ${where}: get, store (nothing kept), erase, then a new token`, async () => {
    // A copy of the token cache: this test's erase must not empty the one the other tests use.
    const cache = join(tempDir('dce-podman-cache-'), 'cache');
    cpSync(cacheDir, cache, { recursive: true });
    const s = session(where, { cache });
    const config = readFileSync(s.configFile, 'utf8');
    const login = (stdin?: string): Promise<CommandResult> =>
      s.podman(
        ['login', '--cert-dir', trustDir, ...(stdin === undefined ? [] : ['-u', 'AWS', '--password-stdin']), HOST],
        { stdin },
      );

    // Without credentials: podman asks the helper, checks the answer with the registry, and stops there.
    const existing = await login();
    ok('podman login', existing);
    assert.equal(
      existing.stdout,
      `Authenticating with existing credentials for ${HOST}\nExisting credentials are valid. Already logged in to ${HOST}\n`,
    );
    assert.deepEqual(s.calls(), [GET]);

    // With credentials: checked with the registry, then handed to the helper's store, which keeps nothing.
    const given = await login(token);
    ok('podman login --password-stdin', given);
    assert.equal(given.stdout, 'Login Succeeded!\n');
    assert.match(given.stderr, /^docker-credential-ecr: warning: docker login is not needed with this helper/m);
    assert.deepEqual(s.calls(), [GET, GET, STORE(token)]);
    assert.equal(readFileSync(s.configFile, 'utf8'), config, 'the token must not land in the auth file');

    // A wrong password: the registry refuses it and nothing reaches store.
    const wrong = await login('not-the-token');
    assert.equal(wrong.code, 125, transcript(wrong));
    assert.match(wrong.stderr, /invalid username\/password/);
    assert.deepEqual(s.calls(), [GET, GET, STORE(token), GET]);
    assert.equal(fake.callsFor('ecr').length, 0, 'every get so far came from the cache');

    const logout = await s.podman(['logout', HOST]);
    ok('podman logout', logout);
    assert.equal(logout.stdout, `Removed login credentials for ${HOST}\n`);
    assert.deepEqual(s.calls(), [GET, GET, STORE(token), GET, ERASE]);
    // podman rewrites the file (adding an empty "auths"), keeping the credHelpers entry.
    const after = JSON.parse(readFileSync(s.configFile, 'utf8')) as { credHelpers: unknown; auths?: object };
    assert.deepEqual(after.credHelpers, { [HOST]: 'ecr' });
    assert.deepEqual(after.auths ?? {}, {});

    // erase dropped the cached token: the next get asks AWS, whose new token this registry does not know.
    const refused = await pull(s, `${HOST}/repo:any`, 'after-logout');
    assert.equal(refused.code, 125, transcript(refused));
    assert.match(refused.stderr, UNAUTHORIZED);
    assert.deepEqual(s.calls(), [GET, GET, STORE(token), GET, ERASE, GET]);
    assert.equal(fake.callsFor('ecr').length, 1);
    assert.notEqual(fake.issued[0].password, token);
  });
}

test('podman login with credHelpers only in ~/.docker/config.json: the token goes base64 into $XDG_RUNTIME_DIR/containers/auth.json, no store, no erase', async () => {
  const s = session('~/.docker/config.json');
  const config = readFileSync(s.configFile, 'utf8');
  const ref = `${HOST}/repo:docker-login`;
  await loadLocal(s, ref);
  ok('podman push', await s.podman(['push', '--cert-dir', trustDir, ref]));
  assert.deepEqual(s.calls(), [GET]);

  const login = await s.podman(['login', '--cert-dir', trustDir, '-u', 'AWS', '--password-stdin', HOST], {
    stdin: token,
  });
  ok('podman login --password-stdin', login);
  assert.equal(login.stdout, 'Login Succeeded!\n');
  assert.deepEqual(s.calls(), [GET, GET], 'podman writes its own file, not through the helper');
  assert.equal(readFileSync(s.configFile, 'utf8'), config);
  const written = JSON.parse(readFileSync(s.xdgAuth, 'utf8')) as { auths: Record<string, { auth: string }> };
  assert.deepEqual(written.auths, { [HOST]: { auth: Buffer.from(`AWS:${token}`).toString('base64') } });

  // That copy now comes first: the pull never asks the helper (and will fail once the token expires).
  ok('podman pull', await pull(s, ref, 'pull-after-login'));
  assert.deepEqual(s.calls(), [GET, GET]);

  const logout = await s.podman(['logout', HOST]);
  ok('podman logout', logout);
  assert.equal(logout.stdout, `Removed login credentials for ${HOST}\n`);
  assert.deepEqual(s.calls(), [GET, GET], 'no erase: the helper is not in the file podman edits');
  assert.deepEqual((JSON.parse(readFileSync(s.xdgAuth, 'utf8')) as { auths: object }).auths, {});

  // Back to the helper, whose cache logout did not touch.
  ok('podman pull', await pull(s, ref, 'pull-after-logout'));
  assert.deepEqual(s.calls(), [GET, GET, GET]);
  assert.equal(fake.callsFor('ecr').length, 0);
});
