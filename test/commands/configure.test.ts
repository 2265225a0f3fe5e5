// `configure` in-process, with --registry so no AWS call is made: what it writes and what it leaves alone (every
// other key, the file's style, a credsStore), the stored logins it removes without printing them, a second run and
// --dry-run, and the PATH hint. Where it writes is configure-locations.test.ts; how it refuses,
// configure-refusals.test.ts; which hosts --registry takes, configure-registries.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { runInProcess } from '../support/run-cli';
import { configure, fingerprint, HOST, OTHER, setup, STORED_AUTH } from './configure-home';

test("keeps every other key byte for byte, in order, with the file's own indentation", async () => {
  const before = [
    '{',
    '\t"auths": {',
    '\t\t"https://index.docker.io/v1/": {',
    `\t\t\t"auth": "${STORED_AUTH}"`,
    '\t\t}',
    '\t},',
    '\t"psFormat": "table {{.ID}}\\t{{.Names}}",',
    '\t"unknownFutureKey": {"nested": [1, 2, {"x": null}], "ünïcødé": "✓"},',
    '\t"credHelpers": {',
    '\t\t"gcr.io": "gcloud"',
    '\t},',
    '\t"detachKeys": "ctrl-e,e"',
    '}',
    '',
  ].join('\n');
  const s = setup(before);
  const result = await configure(s, '--registry', HOST, '--registry', `https://${OTHER}/`);
  assert.equal(result.code, 0, result.stderr);
  const expected = before.replace(
    '\t\t"gcr.io": "gcloud"\n',
    `\t\t"gcr.io": "gcloud",\n\t\t"${HOST}": "ecr",\n\t\t"${OTHER}": "ecr"\n`,
  );
  assert.equal(readFileSync(s.file, 'utf8'), expected);
  assert.equal(statSync(s.file).mode & 0o777, 0o600);
  // The diff shows the credHelpers lines, and never the stored login.
  assert.match(result.stdout, new RegExp(`^\\+\\t\\t"${HOST.replace(/\./g, '\\.')}": "ecr",$`, 'm'));
  assert.match(result.stdout, /^-\t\t"gcr\.io": "gcloud"$/m);
  assert.match(result.stdout, /^\+\t\t"gcr\.io": "gcloud",$/m);
  assert.doesNotMatch(result.stdout + result.stderr, new RegExp(STORED_AUTH.slice(0, 20)));
  assert.match(result.stdout, /Wrote /);
});

test('a compact file stays compact; CRLF and two-space files keep their style', async () => {
  const compact = setup(`{"auths":{"x.example":{"auth":"${STORED_AUTH}"}},"experimental":"enabled"}`);
  assert.equal((await configure(compact, '--registry', HOST)).code, 0);
  assert.equal(
    readFileSync(compact.file, 'utf8'),
    `{"auths":{"x.example":{"auth":"${STORED_AUTH}"}},"experimental":"enabled","credHelpers":{"${HOST}":"ecr"}}`,
  );

  const crlf = setup('{\r\n  "experimental": "enabled"\r\n}\r\n');
  const result = await configure(crlf, '--registry', HOST);
  assert.equal(result.code, 0);
  assert.equal(
    readFileSync(crlf.file, 'utf8'),
    `{\r\n  "experimental": "enabled",\r\n  "credHelpers": {\r\n    "${HOST}": "ecr"\r\n  }\r\n}\r\n`,
  );
  assert.doesNotMatch(result.stdout, /\r/);

  const emptyHelpers = setup('{\n    "credHelpers": {}\n}');
  assert.equal((await configure(emptyHelpers, '--registry', HOST)).code, 0);
  assert.equal(readFileSync(emptyHelpers.file, 'utf8'), `{\n    "credHelpers": {\n        "${HOST}": "ecr"\n    }\n}`);
});

test('an existing credsStore is kept, and the output says credHelpers take precedence', async () => {
  const s = setup('{\n\t"credsStore": "desktop"\n}\n');
  const result = await configure(s, '--registry', HOST);
  assert.equal(result.code, 0);
  const config = JSON.parse(readFileSync(s.file, 'utf8'));
  assert.deepEqual(config, { credsStore: 'desktop', credHelpers: { [HOST]: 'ecr' } });
  assert.deepEqual(Object.keys(config), ['credsStore', 'credHelpers']);
  assert.match(
    result.stdout,
    /keeps "credsStore": "desktop" for other registries; credHelpers take precedence for 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com/,
  );
});

test('a stored login for a routed host is removed (Docker sends it when the helper fails), other auths entries stay, stored tokens are never printed, and another helper for the host is replaced and reported', async () => {
  const before = JSON.stringify(
    { auths: { [HOST]: { auth: STORED_AUTH }, 'other.example': {} }, credHelpers: { [HOST]: 'ecr-login' } },
    null,
    '\t',
  );
  const s = setup(before);
  const result = await configure(s, '--registry', HOST, '--dry-run');
  assert.equal(result.code, 0);
  assert.doesNotMatch(result.stdout, new RegExp(STORED_AUTH.slice(0, 20)));
  assert.match(result.stdout, /went to docker-credential-ecr-login before; it would go to docker-credential-ecr/);
  assert.match(
    result.stdout,
    new RegExp(
      `Would remove the login stored in "auths" for ${HOST.replace(/\./g, '\\.')}: Docker sent that token whenever the helper failed, and an old one fails the pull with "Your authorization token has expired"\\.`,
    ),
  );
  assert.match(
    result.stdout,
    /^-\t\t"123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com": \{$/m,
    'the removal is in the diff',
  );
  assert.equal(readFileSync(s.file, 'utf8'), before, '--dry-run writes nothing');
  const written = await configure(s, '--registry', HOST);
  assert.equal(written.code, 0);
  assert.equal(
    readFileSync(s.file, 'utf8'),
    JSON.stringify({ auths: { 'other.example': {} }, credHelpers: { [HOST]: 'ecr' } }, null, '\t'),
  );
  // Every spelling docker login leaves (https://, a path, upper case), in a compact file; the last entry and the only one.
  const spellings = setup(
    `{"auths":{"a.example":{"auth":"eA=="},"https://${HOST.toUpperCase()}/v2/":{"auth":"${STORED_AUTH}"}},"credHelpers":{}}`,
  );
  assert.equal((await configure(spellings, '--registry', HOST)).code, 0);
  assert.equal(
    readFileSync(spellings.file, 'utf8'),
    `{"auths":{"a.example":{"auth":"eA=="}},"credHelpers":{"${HOST}":"ecr"}}`,
  );
  const only = setup(
    `{\n  "auths": {\n    "${HOST}": {\n      "auth": "${STORED_AUTH}"\n    }\n  },\n  "credHelpers": {\n    "${HOST}": "ecr"\n  }\n}\n`,
  );
  const removedOnly = await configure(only, '--registry', HOST);
  assert.equal(removedOnly.code, 0);
  assert.doesNotMatch(removedOnly.stdout, /already configured/);
  assert.equal(
    readFileSync(only.file, 'utf8'),
    `{\n  "auths": {},\n  "credHelpers": {\n    "${HOST}": "ecr"\n  }\n}\n`,
  );
});

test('the stored-login mask covers compact files too', async () => {
  const s = setup(`{"auths":{"${HOST}":{"auth":"${STORED_AUTH}","identitytoken":"refresh-token-secret"}}}`);
  const result = await configure(s, '--registry', HOST);
  assert.equal(result.code, 0);
  assert.doesNotMatch(result.stdout, new RegExp(`${STORED_AUTH.slice(0, 20)}|refresh-token-secret`));
  assert.match(result.stdout, /"auth":"\*\*\*"/);
});

test('a second run changes nothing and writes nothing', async () => {
  const s = setup('{\n\t"auths": {}\n}');
  assert.equal((await configure(s, '--public')).code, 0);
  const first = fingerprint(s.file);
  await new Promise((r) => setTimeout(r, 20));
  const again = await configure(s, '--public');
  assert.equal(again.code, 0);
  assert.match(again.stdout, /already configured/);
  assert.doesNotMatch(again.stdout, /^[+-]/m);
  assert.deepEqual(fingerprint(s.file), first, 'same inode, same mtime, same bytes');
});

test('--dry-run prints the change and writes nothing, not even the directory', async () => {
  const s = setup();
  const result = await configure(s, '--registry', HOST, '--dry-run');
  assert.equal(result.code, 0);
  assert.match(result.stdout, /^\+\t\t"123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com": "ecr"$/m);
  assert.match(result.stdout, /Dry run: .* was not written/);
  assert.equal(existsSync(s.dir), false);
});

test('says how to put the helper on PATH when it is not there', async () => {
  const s = setup('{}');
  const result = await runInProcess(['configure', '--public'], { env: { ...s.env, PATH: '/nonexistent' } });
  assert.equal(result.code, 0);
  assert.match(
    result.stdout,
    /docker-credential-ecr is not on PATH, so Docker cannot run it; fix: sudo ln -s .+ \/usr\/local\/bin\/docker-credential-ecr/,
  );
  const onPath = await configure(s, '--public');
  assert.doesNotMatch(onPath.stdout, /not on PATH/);
});
