// doctor on logins stored beside the helper: a stale docker login token in auths, and a podman login in
// containers' auth file that shadows the helper.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../../support/use-fake-aws';
import { runExecutable } from '../../support/executable';
import { storedEcrLogin } from '../../support/stored-ecr-login';
import { doctor, HOST, line, setupsOn } from './setup';

const fake = useFakeAws();
const { setup } = setupsOn(fake);

test('a stale token from docker login in auths: the cause of "authorization token has expired"; fix is configure, which removes it', async () => {
  const { auth } = storedEcrLogin(Math.floor(Date.now() / 1000) - 3600);
  const result = await doctor(setup({ auths: { [`https://${HOST}`]: { auth } } }));
  assert.equal(result.code, 1);
  const stale = line(result, 'fail', /Docker uses the token docker login stored in auths \(expired \S+, \d+ min ago\)/);
  assert.match(stale, /"denied: Your authorization token has expired\. Reauthenticate and try again\."/);
  assert.match(
    stale,
    /; fix: docker-credential-ecr configure --registry 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com \(it also removes the stored token\)$/,
  );
  assert.doesNotMatch(result.stdout + result.stderr, new RegExp(auth.slice(0, 24)));

  // Routed to this helper, Docker sends the stored login whenever the helper fails: a warning while it works.
  const routed = await doctor(setup({ auths: { [HOST]: { auth } }, credHelpers: { [HOST]: 'ecr' } }));
  assert.equal(routed.code, 0, routed.stdout);
  line(
    routed,
    'warn',
    /auths also holds a token docker login stored .*whenever the helper fails, Docker sends that token instead.*; fix: docker-credential-ecr configure --registry 123456789012/,
  );
});

test("a podman login stored in containers' auth file shadows the helper: a warning with the way out", async () => {
  const s = setup();
  const runtime = join(s.home, 'run');
  mkdirSync(join(runtime, 'containers'), { recursive: true });
  const authFile = join(runtime, 'containers', 'auth.json');
  const stored = { auths: { [HOST]: { auth: Buffer.from('AWS:stored-token').toString('base64') } } };
  writeFileSync(authFile, JSON.stringify(stored));
  s.env.XDG_RUNTIME_DIR = runtime;
  const result = await doctor(s);
  assert.equal(result.code, 0, result.stdout);
  const warning = line(result, 'warn', /holds a stored login/);
  assert.ok(warning.includes(`${authFile} holds a stored login for ${HOST} (from \`podman login\`)`), warning);
  assert.match(
    warning,
    new RegExp(`fix: docker-credential-ecr configure --containers --registry ${HOST.replace(/\./g, '\\.')}$`),
  );
  assert.doesNotMatch(result.stdout, /stored-token/);
  // The fix as printed: the stored login goes, the helper is named there, and the warning with it.
  const fixed = await runExecutable(warning.split('; fix: docker-credential-ecr ')[1].split(' '), { env: s.env });
  assert.equal(fixed.code, 0, fixed.stderr);
  assert.match(
    fixed.stdout,
    /Removed the login stored in "auths" for 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com/,
  );
  assert.deepEqual(JSON.parse(readFileSync(authFile, 'utf8')), { auths: {}, credHelpers: { [HOST]: 'ecr' } });
  assert.doesNotMatch((await doctor(s)).stdout, /holds a stored login/);

  // With the helper named in that same file, its credHelpers entry comes first: nothing to warn about.
  writeFileSync(authFile, JSON.stringify({ ...stored, credHelpers: { [HOST]: 'ecr' } }));
  const fine = await doctor(s);
  assert.doesNotMatch(fine.stdout, /holds a stored login/);
});
