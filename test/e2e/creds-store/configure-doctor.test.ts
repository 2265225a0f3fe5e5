// `configure --all-registries` and `doctor` with `"credsStore": "ecr"`: the move from pass shown as a diff, one
// verdict where no ECR host is named, and the store behind us tried for real.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { transcript } from '../../support/command';
import { tempDir } from '../../support/temp';
import { OTHER_HOST, OTHER_USER, OTHER_PASSWORD, ECR_HOST, DOCKER_HUB, passStore, session, useRig } from './rig';

useRig();

test('configure --all-registries: credsStore pass -> ecr with pass behind it, shown as a diff; Docker Hub logins land in pass', async () => {
  const s = session(undefined, { auths: {}, credsStore: 'pass', currentContext: 'default' });
  const dry = await s.helper(['configure', '--all-registries', '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /^-\t"credsStore": "pass",$/m);
  assert.match(dry.stdout, /^\+\t"credsStore": "ecr",$/m);
  assert.match(dry.stdout, /^\+\t"credsStore": "pass"$/m);
  assert.match(dry.stdout, /Dry run: .* was not written\./);
  assert.equal(JSON.parse(readFileSync(join(s.configDir, 'config.json'), 'utf8')).credsStore, 'pass');

  const result = await s.helper(['configure', '--all-registries']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(JSON.parse(readFileSync(join(s.configDir, 'config.json'), 'utf8')), {
    auths: {},
    credsStore: 'ecr',
    currentContext: 'default',
  });
  assert.deepEqual(JSON.parse(readFileSync(s.helperConfig, 'utf8')), { credsStore: 'pass' });
  assert.match(
    result.stdout,
    /Other registries \(Docker Hub, ghcr\.io, \.\.\.\) go on to docker-credential-pass: their logins stay where they are\./,
  );

  // docker login -u bob (Docker Hub): into pass, and no "docker login is not needed" (issue 17's report).
  const hub = await s.run(['login', '--username', 'bob', '--password-stdin'], 'hub-password');
  assert.equal(hub.code, 0, transcript(hub));
  assert.doesNotMatch(hub.stderr, /not needed/);
  assert.equal(passStore.list()[DOCKER_HUB], 'bob');
  const ecr = await s.run(['pull', `${ECR_HOST}/repo:tag`]);
  assert.equal(ecr.code, 0, transcript(ecr));

  // doctor: one verdict, ok; the ECR host routes to us.
  const doctor = await s.helper(['doctor', ECR_HOST]);
  assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr);
  assert.match(
    doctor.stdout,
    /^ok    credsStore "ecr": every ECR registry \(any account and region, and ECR Public\) goes to this helper; other registries \(Docker Hub, ghcr\.io, \.\.\.\) go on to docker-credential-pass at \/\S+ \(named in /m,
  );
  assert.match(
    doctor.stdout,
    /^ok    210987654321\.dkr\.ecr\.ap-southeast-7\.amazonaws\.com: credsStore "ecr" sends it to docker-credential-ecr$/m,
  );
  assert.doesNotMatch(doctor.stdout, /^(fail|warn) .*credsStore/m);

  const undo = await s.helper(['configure', '--undo-all-registries']);
  assert.equal(undo.code, 0, undo.stderr);
  assert.match(undo.stdout, /^-\t"credsStore": "ecr",$/m);
  // (docker login added an empty auths entry for Docker Hub, as it does with any store.)
  assert.deepEqual(JSON.parse(readFileSync(join(s.configDir, 'config.json'), 'utf8')), {
    auths: { [DOCKER_HUB]: {} },
    credsStore: 'pass',
    currentContext: 'default',
  });
  assert.deepEqual(JSON.parse(readFileSync(s.helperConfig, 'utf8')), {});
  // The Docker Hub login is still in pass, where Docker now looks for it directly.
  assert.equal(passStore.list()[DOCKER_HUB], 'bob');
  const logout = await s.run(['logout']);
  assert.equal(logout.code, 0, transcript(logout));
  assert.equal(passStore.list()[DOCKER_HUB], undefined);
});

test('doctor with credsStore "ecr" and no ECR host in the config: one verdict (a warning without a store), no false failure', async () => {
  const s = session('none');
  const doctor = await s.helper(['doctor']);
  assert.doesNotMatch(doctor.stdout, /^fail/m, doctor.stdout);
  assert.equal(doctor.code, 0, doctor.stdout);
  const verdicts = doctor.stdout.split('\n').filter((line) => /credsStore/.test(line));
  assert.equal(verdicts.length, 1, doctor.stdout);
  assert.match(
    verdicts[0],
    /^warn  credsStore "ecr": .*there is no store for other registries \("credsStore": "none" in .*\): docker login to Docker Hub or ghcr\.io fails and their pulls are anonymous; fix: remove "credsStore": "none"/,
  );

  const missing = await session('nosuchstore').helper(['doctor']);
  assert.equal(missing.code, 1);
  assert.match(
    missing.stdout,
    /^fail  credsStore "ecr": .*docker-credential-nosuchstore \(named in .*\), which is not on PATH.*; fix: install docker-credential-nosuchstore, or fix "credsStore"/m,
  );
});
test('doctor tries the store behind us: a pass that was never initialised is a warning with the fix, not an ok', async () => {
  const empty = tempDir('dce-store-nopass-');
  const s = session(
    'pass',
    { credsStore: 'ecr' },
    { PASSWORD_STORE_DIR: join(empty, 'store'), GNUPGHOME: join(empty, 'gnupg') },
  );
  const doctor = await s.helper(['doctor']);
  assert.equal(doctor.code, 0, doctor.stdout);
  assert.match(
    doctor.stdout,
    /^warn  credsStore "ecr": .*docker-credential-pass at .+ \(named in .*\), but it does not work: pass has no store at .+ \(no \.gpg-id: `pass init` was never run\); docker login to them will fail; fix: set up pass for your user: `gpg --quick-gen-key <you>` \(if you have no key\), then `pass init <key id>`$/m,
  );

  // And it is true: docker login to another registry then fails in pass.
  const login = await s.run(['login', '--username', OTHER_USER, '--password-stdin', OTHER_HOST], OTHER_PASSWORD);
  assert.equal(login.code, 1, transcript(login));
  assert.match(login.stderr, /pass not initialized/);

  // The working store of the other tests: ok, with how many logins it holds.
  const working = await session('pass').helper(['doctor']);
  assert.match(
    working.stdout,
    /^ok    credsStore "ecr": .*go on to docker-credential-pass at .+ \(named in .*\), which holds \d+ logins?$/m,
  );
});
