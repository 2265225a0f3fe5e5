// Which hosts stay with this helper as Docker's credsStore, and which store gets the others. In-process, with
// real files and a real PATH of stub executables (the end-to-end proof with docker and pass is in
// test/e2e/creds-store/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { EXECUTABLE, runExecutable } from '../support/executable';
import { join } from 'node:path';
import { otherStore, platformStoreName, servesServerUrl } from '../../src/docker/creds-store';
import { parseRegistryConfig } from '../../src/registry/config-file';
import { ConfigError } from '../../src/platform/errors';
import { readSettings } from '../../src/platform/settings';
import { runInProcess } from '../support/run-cli';
import { tempDir } from '../support/temp';
import { shellQuote } from '../support/shell';

function binWith(...names: string[]): string {
  const dir = tempDir('dce-store-bin-');
  for (const name of names) {
    writeFileSync(join(dir, name), '#!/bin/sh\nexit 0\n');
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

function settingsWith(config?: object): ReturnType<typeof readSettings> {
  const home = tempDir('dce-store-home-');
  if (config) {
    mkdirSync(join(home, '.config', 'docker-credential-ecr'), { recursive: true });
    writeFileSync(join(home, '.config', 'docker-credential-ecr', 'config.json'), JSON.stringify(config));
  }
  return readSettings({ HOME: home }, () => undefined);
}

test('ECR, ECR Public and mapped custom hosts stay ours; every other address, look-alikes included, is handed on', () => {
  const settings = settingsWith({
    registries: { 'images.example.com': { target: '123456789012.dkr.ecr.us-east-1.amazonaws.com' } },
  });
  for (const ours of [
    '123456789012.dkr.ecr.us-east-1.amazonaws.com',
    'https://210987654321.dkr.ecr.ap-southeast-7.amazonaws.com',
    'http://123456789012.dkr.ecr.us-east-1.amazonaws.com', // refused by get, and still never shown to another store
    '123456789012.dkr-ecr.eu-west-1.on.aws',
    'public.ecr.aws',
    'ecr-public.aws.com\n',
    'images.example.com',
    'not a url at all',
    '\x1b]2;owned\x07ghcr.io', // no address: never shown to another program
    'ghcr.io\u202e', // a bidi override: no address either
  ]) {
    assert.equal(servesServerUrl(ours, settings), true, ours);
  }
  // Addresses we do not parse can never be ECR: an IPv6 registry's login must reach the other store, not vanish.
  // Look-alikes of ECR hosts are not ECR either: their logins belong to the other store (a hint comes only on get).
  for (const theirs of [
    'https://index.docker.io/v1/',
    'ghcr.io',
    'registry.example.test:5000',
    'http://localhost:5000',
    'ecr.example.com',
    '[::1]:5000',
    'https://[fd00::5]:443/v2/',
    '12345.dkr.ecr.us-east-1.amazonaws.com',
    '123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example',
    'public.ecr.aws.mirror.example.com',
    'user@ghcr.io',
    'ftp://ghcr.io',
  ]) {
    assert.equal(servesServerUrl(theirs, settings), false, theirs);
  }
});

test("the platform's usual store is Docker's: pass when `pass` is installed, else secretservice; keychains elsewhere", () => {
  assert.equal(platformStoreName('linux', binWith('pass')), 'pass');
  assert.equal(platformStoreName('linux', binWith()), 'secretservice');
  assert.equal(platformStoreName('darwin', ''), 'osxkeychain');
  assert.equal(platformStoreName('win32', ''), 'wincred');
});

test('the store behind us: named in the config file, else the platform one when its helper is on PATH', () => {
  const both = binWith('pass', 'docker-credential-pass', 'docker-credential-desktop');
  assert.deepEqual(otherStore(settingsWith({ credsStore: 'desktop' }), { PATH: both }, 'linux'), {
    state: 'found',
    name: 'desktop',
    path: join(both, 'docker-credential-desktop'),
    source: 'config',
  });
  assert.deepEqual(otherStore(settingsWith(), { PATH: both }, 'linux'), {
    state: 'found',
    name: 'pass',
    path: join(both, 'docker-credential-pass'),
    source: 'platform',
  });
  assert.deepEqual(otherStore(settingsWith({ credsStore: 'osxkeychain' }), { PATH: both }, 'linux'), {
    state: 'missing',
    name: 'osxkeychain',
    source: 'config',
  });
  assert.equal(otherStore(settingsWith({ credsStore: 'none' }), { PATH: both }, 'linux').state, 'none');
  // Docker's rule: pass is chosen when `pass` is installed, and used only if docker-credential-pass is there too.
  const state = otherStore(settingsWith(), { PATH: binWith('pass') }, 'linux');
  assert.equal(state.state, 'none');
  assert.match((state as { why: string }).why, /docker-credential-pass \(this platform's usual store\) is not on PATH/);
});

test('"credsStore" in the config file: a helper name, never "ecr" itself; errors name the line', () => {
  assert.equal(parseRegistryConfig('{"credsStore": "pass"}', 'c.json').credsStore, 'pass');
  assert.throws(
    () => parseRegistryConfig('{\n  "credsStore": "ecr"\n}', 'c.json'),
    (e: Error) =>
      e instanceof ConfigError &&
      /^c\.json:2: "credsStore" names the store for registries this helper does not serve; "ecr" is this helper itself$/.test(
        e.message,
      ),
  );
  assert.throws(
    () => parseRegistryConfig('{"credsStore": "../bin/sh"}', 'c.json'),
    /"credsStore" must name a credential helper, like "pass"/,
  );
  assert.throws(() => parseRegistryConfig('{"credsStore": 1}', 'c.json'), /"credsStore" must name a credential helper/);
  assert.throws(
    () => parseRegistryConfig('{"credStore": "pass"}', 'c.json'),
    /unknown key "credStore" \(the top-level keys are "registries" and "credsStore"\)/,
  );
});

test('get, store, erase and list of another host go to the other store byte for byte, with its exit code and stderr', async () => {
  const bin = tempDir('dce-store-stub-');
  const log = join(bin, 'log');
  // A stub store: records action and stdin, answers on stdout and stderr, exits 3 for get.
  writeFileSync(
    join(bin, 'docker-credential-stub'),
    `#!/bin/sh\nin=$(cat; printf x)\nprintf '%s:%s|' "$1" "\${in%x}" >> ${shellQuote(log)}\ncase "$1" in\n get) printf 'stub-out'; printf 'stub-err' >&2; exit 3;;\n list) printf '{"ghcr.io":"octo","123456789012.dkr.ecr.us-east-1.amazonaws.com":"AWS-stale"}';;\nesac\n`,
  );
  chmodSync(join(bin, 'docker-credential-stub'), 0o755);
  const home = tempDir('dce-store-home-');
  const config = join(home, 'c.json');
  writeFileSync(config, JSON.stringify({ credsStore: 'stub' }));
  const env = { HOME: home, PATH: `${bin}:/usr/bin:/bin`, DOCKER_CREDENTIAL_ECR_CONFIG: config };
  const get = await runInProcess(['get'], { stdin: 'ghcr.io', env });
  assert.deepEqual(get, { code: 3, stdout: 'stub-out', stderr: 'stub-err' });
  const store = await runInProcess(['store'], {
    stdin: '{"ServerURL":"ghcr.io","Username":"octo","Secret":"s\\u00e9"}\n',
    env,
  });
  assert.equal(store.code, 0);
  const erase = await runInProcess(['erase'], { stdin: 'https://ghcr.io', env });
  assert.equal(erase.code, 0);
  const list = await runInProcess(['list'], { stdin: 'unused', env });
  assert.equal(list.code, 0);
  // The stub's stale entry for an ECR host is dropped: for ECR hosts, what we serve is what counts.
  assert.deepEqual(JSON.parse(list.stdout), { 'ghcr.io': 'octo' });
  const ecr = await runInProcess(['erase'], { stdin: '123456789012.dkr.ecr.us-east-1.amazonaws.com', env });
  assert.equal(ecr.code, 0);
  const { readFileSync } = await import('node:fs');
  assert.equal(
    readFileSync(log, 'utf8'),
    'get:ghcr.io|store:{"ServerURL":"ghcr.io","Username":"octo","Secret":"s\\u00e9"}\n|erase:https://ghcr.io|list:unused|',
  );
});

test('a store that is this helper again (a link under another name) answers once, instead of handing over without end', async () => {
  const bin = tempDir('dce-store-loop-');
  symlinkSync(EXECUTABLE, join(bin, 'docker-credential-loop'));
  const home = tempDir('dce-store-home-');
  const config = join(home, 'c.json');
  writeFileSync(config, JSON.stringify({ credsStore: 'loop' }));
  const env = {
    HOME: home,
    PATH: `${bin}:/usr/bin:/bin`,
    DOCKER_CREDENTIAL_ECR_CONFIG: config,
    DOCKER_CREDENTIAL_ECR_LOG: 'debug',
  };
  const get = await runExecutable(['get'], { stdin: 'ghcr.io', env, killAfterMs: 10_000 });
  assert.equal(get.signal, null, 'it did not loop until killed');
  assert.equal(get.code, 1);
  assert.equal(get.stdout, 'credentials not found in native keychain\n');
  assert.equal(get.stderr.match(/handing get to docker-credential-loop/g)?.length, 1, get.stderr);
  assert.match(
    get.stderr,
    /this helper was itself run as the other store \(DOCKER_CREDENTIAL_ECR_HANDED_OVER is set\)/,
  );
});
