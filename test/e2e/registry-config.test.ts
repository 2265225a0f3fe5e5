// Per-registry identities and custom host names from the helper's config file, through the built executable,
// the real SDK credential providers, and the fake AWS (ECR, ECR Public and STS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../support/use-fake-aws';
import { runExecutable } from '../support/executable';
import { tempDir } from '../support/temp';

const PROD = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const DEV = '210987654321.dkr.ecr.us-east-1.amazonaws.com';
const EU = '333333333333.dkr.ecr.eu-west-1.amazonaws.com';

const fake = useFakeAws();

/** A HOME with two profiles of different static keys, and the helper config given. */
function setup(config: unknown): Record<string, string> {
  const home = tempDir();
  writeFileSync(
    join(home, 'aws-config'),
    '[profile prod]\nregion = us-east-1\n\n[profile dev]\nregion = us-east-1\n\n[default]\nregion = us-east-1\n\n[profile regiononly]\nregion = us-east-1\n',
  );
  writeFileSync(
    join(home, 'aws-credentials'),
    '[prod]\naws_access_key_id = AKIAPRODPROFILE00001\naws_secret_access_key = prod-secret\n\n[dev]\naws_access_key_id = AKIADEVPROFILE000002\naws_secret_access_key = dev-secret\n\n[default]\naws_access_key_id = AKIADEFAULTPROFILE03\naws_secret_access_key = default-secret\n',
  );
  const configFile = join(home, 'helper-config.json');
  writeFileSync(configFile, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  return {
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'aws-credentials'),
    DOCKER_CREDENTIAL_ECR_CONFIG: configFile,
    AWS_ENDPOINT_URL_ECR: fake.url,
    AWS_ENDPOINT_URL_ECR_PUBLIC: fake.url,
    AWS_ENDPOINT_URL_STS: fake.url,
    AWS_EC2_METADATA_DISABLED: 'true',
    DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '4000',
  };
}

const get = (host: string, env: Record<string, string>) => runExecutable(['get'], { stdin: host, env });

test("each registry's call is signed with its own profile's key, and their tokens are cached apart", async () => {
  const env = setup({ registries: { [PROD]: { profile: 'prod' }, [DEV]: { profile: 'dev' } } });
  const prod = await get(PROD, env);
  const dev = await get(DEV, env);
  assert.equal(prod.code, 0, prod.stderr);
  assert.equal(dev.code, 0, dev.stderr);
  assert.deepEqual(
    fake.callsFor('ecr').map((c) => c.accessKeyId),
    ['AKIAPRODPROFILE00001', 'AKIADEVPROFILE000002'],
  );
  assert.notEqual(JSON.parse(prod.stdout).Secret, JSON.parse(dev.stdout).Secret);
  await get(PROD, env);
  await get(DEV, env);
  assert.equal(fake.callsFor('ecr').length, 2, 'both come from the cache the second time');
  // A registry without an entry uses the default chain (here the default profile).
  await get('444444444444.dkr.ecr.us-east-1.amazonaws.com', env);
  assert.equal(fake.callsFor('ecr').at(-1)!.accessKeyId, 'AKIADEFAULTPROFILE03');
});

test('two registries in one region under one identity share a token', async () => {
  const env = setup({ registries: { '*.dkr.ecr.us-east-1.amazonaws.com': { profile: 'prod' } } });
  const a = await get(PROD, env);
  const b = await get(DEV, env);
  assert.equal(fake.callsFor('ecr').length, 1);
  assert.equal(JSON.parse(a.stdout).Secret, JSON.parse(b.stdout).Secret);
});

test('roleArn assumes the role with STS, then signs ECR with the returned credentials', async () => {
  const env = setup({
    registries: {
      '*.dkr.ecr.eu-west-1.amazonaws.com': {
        profile: 'prod',
        roleArn: 'arn:aws:iam::333333333333:role/puller',
        externalId: 'ext-42',
      },
    },
  });
  const result = await get(EU, env);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(fake.assumedRoles.length, 1);
  const role = fake.assumedRoles[0];
  assert.equal(role.roleArn, 'arn:aws:iam::333333333333:role/puller');
  assert.equal(role.externalId, 'ext-42');
  assert.equal(role.callerAccessKeyId, 'AKIAPRODPROFILE00001');
  const ecrCall = fake.callsFor('ecr')[0];
  assert.equal(ecrCall.accessKeyId, role.accessKeyId);
  assert.equal(ecrCall.sessionToken, role.sessionToken);
  assert.equal(ecrCall.region, 'eu-west-1');
});

test('a custom host name with target gets the target registry token and answers for the custom host', async () => {
  const env = setup({ registries: { 'images.example.com': { target: PROD, profile: 'prod' } } });
  const result = await get('images.example.com', env);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), {
    ServerURL: 'images.example.com',
    Username: 'AWS',
    Secret: fake.issued[0].password,
  });
  assert.equal(fake.callsFor('ecr')[0].region, 'us-east-1');
  assert.equal(fake.callsFor('ecr')[0].accessKeyId, 'AKIAPRODPROFILE00001');
  // A host the file does not name is still refused (with no other store on PATH to hand it to: with one, such as
  // docker-credential-pass, it would go there; test/e2e/creds-store/).
  const other = await get('other.example.com', { ...env, PATH: '/nonexistent' });
  assert.equal(other.code, 1);
  assert.equal(other.stdout, 'credentials not found in native keychain\n');
});

test('public.ecr.aws with its own profile', async () => {
  const env = setup({ registries: { 'public.ecr.aws': { profile: 'dev' } } });
  const result = await get('public.ecr.aws', env);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(fake.callsFor('ecr-public')[0].accessKeyId, 'AKIADEVPROFILE000002');
});

const BROKEN: Array<[string, unknown, RegExp]> = [
  [
    'malformed JSON',
    '{\n  "registries": {\n    "x": }\n}',
    /helper-config\.json:3: not valid JSON \(a value was expected/,
  ],
  [
    'unknown key',
    { registries: { [PROD]: { profil: 'prod' } } },
    /helper-config\.json:4: registry "123456789012[^"]+": unknown setting "profil"/,
  ],
  [
    '* in the wrong place',
    { registries: { '1234*.dkr.ecr.us-east-1.amazonaws.com': { profile: 'prod' } } },
    /helper-config\.json:3: registry "1234\*[^"]*": not a host name or a pattern/,
  ],
  [
    'target not an ECR host',
    { registries: { 'images.example.com': { target: 'registry.example.com' } } },
    /helper-config\.json:3: registry "images\.example\.com": target "registry\.example\.com" is not an ECR/,
  ],
  [
    '"*.*" with a target',
    { registries: { '*.*': { target: PROD } } },
    /helper-config\.json:3: registry "\*\.\*": too broad for a "target": it would send an ECR token to any host it matches/,
  ],
  ['"*.io" with a target', { registries: { '*.io': { target: PROD } } }, /registry "\*\.io": too broad for a "target"/],
  [
    '"registry.*" with a target',
    { registries: { 'registry.*': { target: PROD } } },
    /registry "registry\.\*": too broad for a "target"/,
  ],
  // A public registry's name, or an ECR host, standing for an ECR registry: its token would go to that registry.
  ...[
    'docker.io',
    'registry-1.docker.io',
    'index.docker.io',
    'ghcr.io',
    'quay.io',
    'gcr.io',
    '*.gcr.io',
    'us-docker.pkg.dev',
    'mcr.microsoft.com',
    'registry.k8s.io',
  ].map((name): [string, unknown, RegExp] => [
    `${name} with a target`,
    { registries: { [name]: { target: PROD } } },
    new RegExp(
      `helper-config\\.json:3: registry "${name.replace(/[.*]/g, '\\$&')}": \\S+ belongs to a public registry service, not to you: with a "target", an ECR token would be sent to it`,
    ),
  ]),
  [
    'public.ecr.aws with a target',
    { registries: { 'public.ecr.aws': { target: PROD } } },
    /helper-config\.json:3: registry "public\.ecr\.aws": an ECR host already stands for itself: a "target" would send another registry's token to it; remove "target"/,
  ],
  [
    'an ECR host with another as target',
    { registries: { [DEV]: { target: PROD } } },
    /registry "210987654321\.dkr\.ecr\.us-east-1\.amazonaws\.com": an ECR host already stands for itself/,
  ],
  [
    'profile with only a region',
    { registries: { [PROD]: { profile: 'regiononly' } } },
    /registry "123456789012[^"]+": profile "regiononly" holds no credential settings/,
  ],
  [
    'profile that does not exist',
    { registries: { [PROD]: { profile: 'staging' } } },
    /helper-config\.json:3: registry "123456789012[^"]+": profile "staging" is not in .*aws-config or .*aws-credentials/,
  ],
];

for (const [name, config, message] of BROKEN) {
  test(`broken config (${name}): clear error naming file, key and line; exit 1; no AWS call`, async () => {
    const env = setup(config);
    const result = await get(PROD, env);
    assert.equal(result.code, 1);
    assert.match(result.stderr, message);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.notEqual(result.stdout, 'credentials not found in native keychain\n', 'must not fall back silently');
    assert.equal(fake.calls.length, 0);
  });
}

test('a too-broad pattern never reaches the kubelet: kubelet-config refuses the file, naming the entry', async () => {
  const env = setup({ registries: { '*.*': { target: PROD } } });
  const result = await runExecutable(['kubelet-config'], { env });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /helper-config\.json:3: registry "\*\.\*": too broad/);
  assert.equal(result.stdout, '');
  // A narrow one is fine, and goes into matchImages as written.
  const narrow = await runExecutable(['kubelet-config'], {
    env: setup({ registries: { '*.registry.example.com': { target: PROD } } }),
  });
  assert.equal(narrow.code, 0, narrow.stderr);
  assert.match(narrow.stdout, /\*\.registry\.example\.com/);
});

test('a target pattern under a public suffix (*.github.io, *.co.uk) serves no host and never reaches the kubelet', async () => {
  for (const pattern of ['*.github.io', '*.co.uk', '*.s3.amazonaws.com']) {
    const env = setup({ registries: { [pattern]: { target: PROD } } });
    const host = pattern.replace('*', 'attacker');
    const result = await get(host, env);
    assert.equal(result.code, 1, pattern);
    assert.match(
      result.stderr,
      new RegExp(
        `registry "${pattern.replace(/[.*]/g, '\\$&')}": too broad for a "target": its fixed labels are a public suffix`,
      ),
    );
    assert.equal(result.stdout.includes('Secret'), false);
    const kubelet = await runExecutable(['kubelet-config'], { env });
    assert.equal(kubelet.code, 1, pattern);
    assert.match(kubelet.stderr, /too broad/);
  }
  assert.equal(fake.calls.length, 0);
});

test("a host whose region is not of its domain's partition is not ECR: no token, no call", async () => {
  // No store behind us: such a host would otherwise go to the platform's (docker-credential-pass, here).
  const env = setup({ credsStore: 'none' });
  for (const host of [
    '123456789012.dkr.ecr.us-east-1.c2s.ic.gov',
    '123456789012.dkr.ecr.us-east-1.amazonaws.eu',
    '123456789012.dkr.ecr.us-east-1.cloud.adc-e.uk',
    '123456789012.dkr.ecr.eusc-de-east-1.amazonaws.com',
    '123456789012.dkr.ecr.cn-north-1.amazonaws.com',
  ]) {
    const result = await get(host, env);
    assert.equal(result.code, 1, host);
    assert.equal(result.stdout, 'credentials not found in native keychain\n', host);
  }
  assert.equal(fake.calls.length, 0);
  // The same regions under their own partition's domain are served.
  const iso = await get('123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov', env);
  assert.equal(iso.code, 0, iso.stderr);
  assert.equal(fake.callsFor('ecr')[0].region, 'us-iso-east-1');
});

test("a public registry's name mapped to an ECR target never gets its token: get and kubelet-config refuse the file", async () => {
  for (const name of ['ghcr.io', 'index.docker.io']) {
    const env = setup({ registries: { [name]: { target: PROD } } });
    const result = await get(name, env);
    assert.equal(result.code, 1, name);
    assert.doesNotMatch(result.stdout, /Secret/);
    assert.match(
      result.stdout,
      new RegExp(
        `registry "${name.replace(/\./g, '\\.')}": ${name.replace(/\./g, '\\.')} belongs to a public registry service`,
      ),
    );
    const kubelet = await runExecutable(['kubelet-config'], { env });
    assert.equal(kubelet.code, 1, name);
    assert.match(kubelet.stderr, /belongs to a public registry service/);
  }
  assert.equal(fake.calls.length, 0);
});
