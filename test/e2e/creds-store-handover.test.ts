// What `"credsStore": "ecr"` keeps and what it hands over, with the built executable and a real store behind it
// (Debian's docker-credential-pass over a throwaway GnuPG key): every host that only looks like an ECR host (a
// generated list, test/support/look-alike-hosts.ts) is the other store's for store, get, list and erase; a "did
// you mean" hint comes only on a get that finds nothing; a store is never reported done when it was dropped.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../support/use-fake-aws';
import { assertBuilt, runExecutable } from '../support/executable';
import { helperEnv } from '../support/helper-bin';
import { makePassStore, type PassStore } from '../support/pass-store';
import { lookAlikeHosts, REVIEWED_LOOK_ALIKES } from '../support/look-alike-hosts';
import { requireTool } from '../support/tools';
import { tempDir } from '../support/temp';
import { shellQuote } from '../support/shell';
import { registryForHost } from '../../src/registry/host';
import { hintForUnservedHost } from '../../src/registry/hints';

const root = tempDir('dce-handover-');
const fake = useFakeAws();
let pass: PassStore;
const config = join(root, 'helper-config.json');

before(() => {
  assertBuilt();
  requireTool('docker-credential-pass');
  pass = makePassStore(join(root, 'pass'));
  writeFileSync(config, JSON.stringify({ credsStore: 'pass' }));
});
after(() => pass?.close());

const helper = (action: string, stdin: string | Buffer) =>
  runExecutable([action], {
    env: { ...helperEnv(fake.url, root), ...pass.env, DOCKER_CREDENTIAL_ECR_CONFIG: config },
    stdin,
    killAfterMs: 30_000,
  });

/** Runs `fn` over `items`, `width` at a time: pass and gpg are slow, the machine is shared. */
async function inBatches<T>(
  items: readonly T[],
  width: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += width)
    await Promise.all(items.slice(i, i + width).map((item, j) => fn(item, i + j)));
}

test("every look-alike of an ECR host (a generated list) is the other store's: store, get, list and erase reach pass; a hint only when get finds nothing", async () => {
  const hosts = lookAlikeHosts();
  // Tests of the test: the list is long, holds the review's four, and holds no host we serve.
  assert.ok(hosts.length >= 80, `${hosts.length} hosts`);
  for (const reviewed of REVIEWED_LOOK_ALIKES) assert.ok(hosts.includes(reviewed), reviewed);
  for (const host of hosts) assert.equal(registryForHost(host), undefined, `${host} is an ECR host, not a look-alike`);
  const hinted = hosts.filter((host) => hintForUnservedHost(host) !== undefined);
  assert.ok(hinted.length >= 40, `only ${hinted.length} hosts have a hint: the list misses what the hints are for`);

  // docker-credential-pass, for a host it holds nothing for, answers empty credentials (exit 0): its answer, as
  // is, and then the hint, for the hosts that have one.
  await inBatches(hosts, 4, async (host) => {
    const get = await helper('get', host);
    assert.equal(get.code, 0, host);
    assert.deepEqual(JSON.parse(get.stdout), { ServerURL: host, Username: '', Secret: '' }, host);
    const hint = hintForUnservedHost(host);
    assert.equal(get.stderr, hint ? `docker-credential-ecr: warning: ${hint}\n` : '', `pass: ${host}`);
  });
  // A store that answers "not found", and no store at all: "not found", and then the hint.
  const bin = tempDir('dce-handover-empty-');
  writeFileSync(
    join(bin, 'docker-credential-empty'),
    '#!/bin/sh\ncat >/dev/null\necho "credentials not found in native keychain"\nexit 1\n',
    { mode: 0o755 },
  );
  for (const store of ['empty', 'none']) {
    const storeConfig = join(bin, `${store}.json`);
    writeFileSync(storeConfig, JSON.stringify({ credsStore: store }));
    const storeEnv = {
      ...helperEnv(fake.url, root),
      PATH: `${bin}:${process.env.PATH}`,
      DOCKER_CREDENTIAL_ECR_CONFIG: storeConfig,
    };
    await inBatches(hosts, 4, async (host) => {
      const get = await runExecutable(['get'], { env: storeEnv, stdin: host });
      assert.equal(get.code, 1, host);
      assert.equal(get.stdout, 'credentials not found in native keychain\n', host);
      const hint = hintForUnservedHost(host);
      assert.equal(get.stderr, hint ? `docker-credential-ecr: warning: ${hint}\n` : '', `${store}: ${host}`);
    });
  }

  const secretOf = (i: number): string => `look-alike-secret-${i}`;
  await inBatches(hosts, 4, async (host, i) => {
    const store = await helper(
      'store',
      JSON.stringify({ ServerURL: host, Username: `user-${i}`, Secret: secretOf(i) }),
    );
    assert.equal(store.code, 0, `${host}: ${store.stdout}${store.stderr}`);
    assert.equal(store.stderr, '', `${host}: no warning, no hint on store`);
    const get = await helper('get', host);
    assert.equal(get.code, 0, `${host}: ${get.stdout}${get.stderr}`);
    assert.deepEqual(JSON.parse(get.stdout), { ServerURL: host, Username: `user-${i}`, Secret: secretOf(i) });
    assert.equal(get.stderr, '', `${host}: no hint when the store answers`);
  });
  const inPass = pass.list();
  for (const [i, host] of hosts.entries()) assert.equal(inPass[host], `user-${i}`, `${host} is in pass`);
  const list = await helper('list', '');
  assert.equal(list.code, 0, list.stderr);
  const listed = JSON.parse(list.stdout) as Record<string, string>;
  for (const [i, host] of hosts.entries()) assert.equal(listed[host], `user-${i}`, `${host} is listed`);

  await inBatches(hosts, 4, async (host, i) => {
    const erase = await helper('erase', host);
    assert.equal(erase.code, 0, `${host}: ${erase.stdout}${erase.stderr}`);
    assert.equal(erase.stderr, '', `${host}: no hint on erase`);
    // docker-credential-pass answers an erased host with "not found" or with empty credentials: its answer, as is.
    const get = await helper('get', host);
    assert.doesNotMatch(get.stdout, new RegExp(secretOf(i)), host);
  });
  assert.deepEqual(pass.list(), {}, 'every erase reached pass');
  assert.equal(fake.calls.length, 0, 'no AWS call for a host that is not ECR');
});

test('a store over 64 KiB reaches the other store byte for byte; over 1 MiB, or naming no server, it fails saying nothing was stored', async () => {
  // A recording store: keeps the bytes it was given and says it stored them.
  const bin = tempDir('dce-handover-bin-');
  const received = join(bin, 'received');
  writeFileSync(join(bin, 'docker-credential-rec'), `#!/bin/sh\ncat > ${shellQuote(received)}\n`, { mode: 0o755 });
  const recConfig = join(bin, 'config.json');
  writeFileSync(recConfig, JSON.stringify({ credsStore: 'rec' }));
  const recEnv = {
    ...helperEnv(fake.url, root),
    PATH: `${bin}:${process.env.PATH}`,
    DOCKER_CREDENTIAL_ECR_CONFIG: recConfig,
  };
  // Not ASCII, and escaped as Docker's encoder would not: the bytes must arrive exactly as sent.
  const request = Buffer.from(
    `{"ServerURL":"ghcr.io","Username":"octo","Secret":"${'é'.repeat(40 * 1024)}\\u00e9-end"}\n`,
  );
  assert.ok(request.length > 64 * 1024);
  const recorded = await runExecutable(['store'], { env: recEnv, stdin: request });
  assert.equal(recorded.code, 0, recorded.stdout + recorded.stderr);
  assert.ok(readFileSync(received).equals(request), 'the store got every byte');

  // docker-credential-pass itself refuses a request that large (Go's bufio.Scanner): its failure, not our success.
  const store = await helper('store', request);
  assert.equal(store.code, 1, store.stdout + store.stderr);
  assert.match(store.stdout, /token too long/);
  assert.equal(pass.list()['ghcr.io'], undefined);

  const huge = await helper(
    'store',
    JSON.stringify({ ServerURL: 'quay.io', Username: 'u', Secret: 'x'.repeat(1024 * 1024) }),
  );
  assert.equal(huge.code, 1);
  assert.equal(
    huge.stdout,
    'docker-credential-ecr: the store request is larger than 1024 KiB, more than any login needs; nothing was stored\n',
  );
  assert.match(huge.stderr, /the store request is larger than 1024 KiB/);
  assert.doesNotMatch(huge.stderr, /xxxx/);
  assert.equal(pass.list()['quay.io'], undefined);

  for (const input of ['not json', '{"Username":"u","Secret":"s"}', '']) {
    const bad = await helper('store', input);
    assert.equal(bad.code, 1, input);
    assert.equal(bad.stdout, 'the store request is not a JSON object with a "ServerURL"; nothing was stored\n', input);
  }
  assert.deepEqual(pass.list(), {});
});

test('a store kept here is never reported done for a host we do not serve: a broken helper config, an address with control characters', async () => {
  const broken = join(tempDir('dce-handover-broken-'), 'config.json');
  writeFileSync(
    broken,
    JSON.stringify(
      { credsStore: 'pass', registries: { 'ghcr.io': { target: '123456789012.dkr.ecr.us-east-1.amazonaws.com' } } },
      null,
      2,
    ),
  );
  const env = { ...helperEnv(fake.url, root), ...pass.env, DOCKER_CREDENTIAL_ECR_CONFIG: broken };
  const store = await runExecutable(['store'], {
    env,
    stdin: JSON.stringify({ ServerURL: 'ghcr.io', Username: 'octo', Secret: 'kept-secret' }),
  });
  assert.equal(store.code, 1, store.stderr);
  assert.match(store.stdout, /config\.json:4: registry "ghcr\.io": ghcr\.io belongs to a public registry service/);
  assert.doesNotMatch(store.stdout + store.stderr, /kept-secret|not needed/);

  const escape = await helper(
    'store',
    JSON.stringify({ ServerURL: '\u001b]2;x\u0007ghcr.io', Username: 'octo', Secret: 'kept-secret' }),
  );
  assert.equal(escape.code, 1);
  assert.equal(escape.stdout, '\\x1b]2;x\\x07ghcr.io is not a registry this helper serves; nothing was stored\n');
  assert.deepEqual(pass.list(), {});
});
