// The kubelet's image credential provider mode, end to end: the built executable, as the kubelet runs it (one
// JSON request on stdin, the response on stdout), against the fake AWS (ECR, ECR Public, STS web identity).
// Every answer goes through an independent implementation of the kubelet's auth-key matching.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { useFakeAws } from '../support/use-fake-aws';
import { EXECUTABLE, runExecutable, type ExeResult } from '../support/executable';
import { tempDir } from '../support/temp';
import { shellWords } from '../support/shell';
import { helperEnv } from '../support/helper-bin';
import { assertEveryAuthKeyMatches, keyMatchesImage } from '../support/kubelet-match';
import { DEFAULT_OIDC_ISSUER } from '../support/fake-aws';

const fake = useFakeAws();
const V1 = 'credentialprovider.kubelet.k8s.io/v1';
const VERSIONS = [V1, 'credentialprovider.kubelet.k8s.io/v1beta1', 'credentialprovider.kubelet.k8s.io/v1alpha1'];
const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const IMAGE = `${HOST}/team/app`;
const ROLE_A = 'arn:aws:iam::123456789012:role/ecr-puller-a';
const ROLE_B = 'arn:aws:iam::123456789012:role/ecr-puller-b';
const MODE = 'kubelet-credential-provider';

const env = (extra: Record<string, string> = {}): Record<string, string> => ({
  ...helperEnv(fake.url, tempDir()),
  ...extra,
});
const request = (image: string, apiVersion = V1, extra: Record<string, unknown> = {}): string =>
  `${JSON.stringify({ kind: 'CredentialProviderRequest', apiVersion, image, ...extra })}\n`;
const provide = (stdin: string, e: Record<string, string>): Promise<ExeResult> =>
  runExecutable([MODE], { stdin, env: e });

/** A projected service-account token as the kubelet hands it over (the fake reads, but does not verify, it). */
function serviceAccountToken(
  namespace: string,
  name: string,
  uid: string,
  audience = 'sts.amazonaws.com',
  exp = Math.floor(Date.now() / 1000) + 3600,
  signature = 'signature',
): string {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    aud: [audience],
    exp,
    iat: now,
    iss: DEFAULT_OIDC_ISSUER,
    sub: `system:serviceaccount:${namespace}:${name}`,
    'kubernetes.io': {
      namespace,
      serviceaccount: { name, uid },
      pod: { name: `${name}-pod`, uid: '5e0a0b1c-0000-4000-8000-000000000001' },
    },
  };
  return `${b64({ alg: 'RS256', kid: 'k' })}.${b64(claims)}.${Buffer.from(signature).toString('base64url')}`;
}

interface Response {
  kind: string;
  apiVersion: string;
  cacheKeyType: string;
  cacheDuration: string;
  auth: Record<string, { username: string; password: string }>;
}

function ok(result: ExeResult, image: string, apiVersion = V1): Response {
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '');
  assertEveryAuthKeyMatches(result.stdout, image);
  const response = JSON.parse(result.stdout) as Response;
  assert.deepEqual(Object.keys(response), ['kind', 'apiVersion', 'cacheKeyType', 'cacheDuration', 'auth']);
  assert.equal(response.kind, 'CredentialProviderResponse');
  assert.equal(response.apiVersion, apiVersion);
  assert.equal(response.cacheKeyType, 'Registry');
  for (const credentials of Object.values(response.auth)) {
    assert.deepEqual(Object.keys(credentials), ['username', 'password']);
    assert.equal(credentials.username, 'AWS');
  }
  return response;
}

function failed(result: ExeResult, message: RegExp): void {
  assert.equal(result.code, 1);
  assert.equal(result.stdout, '', 'nothing on stdout');
  assert.equal(result.stderr.split('\n').filter(Boolean).length, 1, `one line on stderr: ${result.stderr}`);
  assert.match(result.stderr, message);
}

const seconds = (goDuration: string): number => {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(goDuration);
  assert.ok(m, goDuration);
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
};

test('every apiVersion is answered in its own version, with a token from ECR and a cacheDuration until our refresh', async () => {
  const e = env();
  for (const apiVersion of VERSIONS) {
    const response = ok(await provide(request(IMAGE, apiVersion), e), IMAGE, apiVersion);
    assert.deepEqual(Object.keys(response.auth), [HOST]);
    assert.equal(response.auth[HOST].password, fake.issued[0].password);
    // A 12-hour token is refreshed 15 minutes before it expires: the kubelet may keep it for just under 11h45m.
    const duration = seconds(response.cacheDuration);
    assert.ok(duration <= 11 * 3600 + 45 * 60 && duration > 11 * 3600 + 44 * 60, response.cacheDuration);
  }
  assert.equal(fake.callsFor('ecr').length, 1, 'one token for all three: the disk cache');
});

test('started as ecr-credential-provider with no arguments (the EKS file name), it is the kubelet mode', async () => {
  const bin = tempDir();
  symlinkSync(EXECUTABLE, join(bin, 'ecr-credential-provider'));
  const e = env();
  const result = await runExecutable([], { stdin: request(IMAGE), env: e, exe: join(bin, 'ecr-credential-provider') });
  ok(result, IMAGE);
  // Under its own name with no arguments it stays the Docker helper, which says no command was given.
  const plain = await runExecutable([], { stdin: request(IMAGE), env: e });
  assert.equal(plain.code, 1);
  assert.match(plain.stderr, /^docker-credential-ecr: no command given\n\nUsage: docker-credential-ecr COMMAND/);
});

test('the kubelet and Docker share one disk cache and lock: no extra calls either way', async () => {
  const e = env();
  const docker = await runExecutable(['get'], { stdin: HOST, env: e });
  assert.equal(docker.code, 0, docker.stderr);
  const kubelet = ok(await provide(request(IMAGE), e), IMAGE);
  assert.equal(kubelet.auth[HOST].password, JSON.parse(docker.stdout).Secret);
  const publicImage = 'public.ecr.aws/docker/library/alpine';
  ok(await provide(request(publicImage), e), publicImage);
  const dockerPublic = await runExecutable(['get'], { stdin: 'public.ecr.aws', env: e });
  assert.equal(dockerPublic.code, 0);
  assert.equal(fake.callsFor('ecr').length, 1);
  assert.equal(fake.callsFor('ecr-public').length, 1);
});

test('32 parallel requests (a burst of pod starts) make one API call', async (t) => {
  fake.fail('ecr', { slow: 300 }, { times: 1 });
  const e = env();
  const results = await Promise.all(Array.from({ length: 32 }, () => provide(request(IMAGE), e)));
  for (const result of results) ok(result, IMAGE);
  assert.equal(fake.callsFor('ecr').length, 1);
  t.diagnostic(
    `32 parallel kubelet requests: ${fake.callsFor('ecr').length} API call, slowest ${Math.max(...results.map((r) => r.ms)).toFixed(0)} ms`,
  );
});

test('hosts with a port, FIPS hosts (to the FIPS endpoint) and ECR Public', async () => {
  const e = env({ HTTPS_PROXY: fake.url, AWS_CA_BUNDLE: fake.caFile });
  delete (e as Record<string, string | undefined>).AWS_ENDPOINT_URL_ECR;
  const fipsImage = '123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/app';
  ok(await provide(request(fipsImage), e), fipsImage);
  assert.equal(fake.callsFor('ecr')[0].host, 'api.ecr-fips.us-east-1.amazonaws.com');
  const withPort = `${HOST}:443/team/app`;
  const response = ok(await provide(request(withPort), env()), withPort);
  assert.deepEqual(Object.keys(response.auth), [`${HOST}:443`]);
  const dualstack = 'ecr-public.aws.com/docker/library/alpine';
  ok(await provide(request(dualstack), env()), dualstack);
});

test('a custom host from the config file is answered under the custom host', async () => {
  const home = tempDir();
  const config = join(home, 'config.json');
  writeFileSync(config, JSON.stringify({ registries: { 'images.example.com': { target: HOST } } }));
  const image = 'images.example.com/team/app';
  const response = ok(
    await provide(request(image), { ...helperEnv(fake.url, home), DOCKER_CREDENTIAL_ECR_CONFIG: config }),
    image,
  );
  assert.deepEqual(Object.keys(response.auth), ['images.example.com']);
  assert.equal(fake.callsFor('ecr')[0].region, 'eu-west-1');
});

test('input errors: exit 1, one line on stderr, nothing on stdout, no AWS call', async () => {
  const e = env();
  // Verbatim from the kubelet's Test_encodeRequest (kubernetes/kubernetes pkg/credentialprovider/plugin/plugin_test.go):
  // a registry we do not serve.
  const verbatim =
    '{"kind":"CredentialProviderRequest","apiVersion":"credentialprovider.kubelet.k8s.io/v1","image":"test.registry.io/foobar"}\n';
  const cases: [string, RegExp][] = [
    [verbatim, /test\.registry\.io\/foobar: not served by this provider \(test\.registry\.io is not an ECR registry\)/],
    ['{"kind":', /request is not JSON/],
    [request(IMAGE).replace('CredentialProviderRequest', 'Pod'), /kind must be CredentialProviderRequest/],
    [
      request(IMAGE, 'credentialprovider.kubelet.k8s.io/v2'),
      /apiVersion "credentialprovider\.kubelet\.k8s\.io\/v2" is not one of/,
    ],
    [JSON.stringify({ kind: 'CredentialProviderRequest', apiVersion: V1 }), /no image/],
    [request(`${HOST}.evil.example/app`), /not served by this provider/],
    [request(`evil-${HOST}/app`), /not served by this provider/],
    [request('docker.io/library/nginx'), /docker\.io\/library\/nginx: not served by this provider/],
    ['', /request is empty/],
    [`${request(IMAGE).slice(0, -2)}, "padding": "${'x'.repeat(65 * 1024)}"}\n`, /request is larger than 64 KiB/],
    [
      request(IMAGE, V1, {
        serviceAccountToken: 'not-a-jwt',
        serviceAccountAnnotations: { 'eks.amazonaws.com/ecr-role-arn': ROLE_A },
      }),
      /service-account token is not a JWT/,
    ],
    [
      request(IMAGE, V1, {
        serviceAccountToken: serviceAccountToken('a', 'b', 'c'),
        serviceAccountAnnotations: { 'eks.amazonaws.com/ecr-role-arn': 'arn:aws:iam::1:user/x' },
      }),
      /service-account annotation eks\.amazonaws\.com\/ecr-role-arn is not an IAM role ARN/,
    ],
  ];
  for (const [stdin, message] of cases) failed(await provide(stdin, e), message);
  assert.equal(fake.calls.length, 0);
});

test('an AWS failure: exit 1 and the same explanation as in Docker mode', async () => {
  fake.fail('ecr', 'access-denied', { times: 10 });
  const e = env();
  const kubelet = await provide(request(IMAGE), e);
  failed(kubelet, /ecr:GetAuthorizationToken/);
  const docker = await runExecutable(['get'], { stdin: HOST, env: e });
  assert.equal(docker.code, 1);
  assert.equal(kubelet.stderr, docker.stderr, 'the same line as in Docker mode');
});

test('per-pod roles: the service account token is exchanged for the annotated role; never served to another account', async () => {
  fake.trustWebIdentity(ROLE_A, { subjects: ['system:serviceaccount:team-a:puller'] });
  const e = env();
  const tokenA = serviceAccountToken('team-a', 'puller', '11111111-1111-4111-8111-111111111111');
  const response = ok(
    await provide(
      request(IMAGE, V1, {
        serviceAccountToken: tokenA,
        serviceAccountAnnotations: { 'eks.amazonaws.com/ecr-role-arn': ROLE_A },
      }),
      e,
    ),
    IMAGE,
  );
  const password = response.auth[HOST].password;
  assert.notEqual(password, tokenA, 'the password is never the service-account token');
  assert.equal(fake.webIdentityCalls.length, 1);
  assert.equal(fake.webIdentityCalls[0].outcome, 'ok');
  assert.equal(fake.webIdentityCalls[0].roleSessionName, 'ecr-credential-provider');
  const ecrCall = fake.callsFor('ecr')[0];
  assert.deepEqual(
    [fake.principalFor(ecrCall.accessKeyId)?.roleArn, fake.principalFor(ecrCall.accessKeyId)?.subject],
    [ROLE_A, 'system:serviceaccount:team-a:puller'],
  );

  // The same pod again: the disk cache, no STS or ECR call.
  ok(
    await provide(
      request(IMAGE, V1, {
        serviceAccountToken: tokenA,
        serviceAccountAnnotations: { 'eks.amazonaws.com/ecr-role-arn': ROLE_A },
      }),
      e,
    ),
    IMAGE,
  );
  assert.equal(fake.webIdentityCalls.length, 1);
  assert.equal(fake.callsFor('ecr').length, 1);

  // Another service account naming the same role: the trust policy refuses it, and it gets nothing.
  const tokenB = serviceAccountToken('team-b', 'intruder', '22222222-2222-4222-8222-222222222222');
  const other = await provide(
    request(IMAGE, V1, {
      serviceAccountToken: tokenB,
      serviceAccountAnnotations: { 'eks.amazonaws.com/ecr-role-arn': ROLE_A },
    }),
    e,
  );
  failed(other, /AssumeRoleWithWebIdentity|not authorized/i);
  assert.doesNotMatch(other.stderr, new RegExp(password));
  assert.doesNotMatch(other.stderr, new RegExp(tokenB.split('.')[1]));
  assert.equal(fake.webIdentityCalls[1].outcome, 'AccessDenied');
  assert.equal(fake.callsFor('ecr').length, 1);
});

test('per-pod roles: an expired service-account token is refused by its own exp, before the cache (a forgery, or a replay after exp)', async () => {
  fake.trustWebIdentity(ROLE_A, { subjects: ['system:serviceaccount:team-a:puller'] });
  const e = env();
  const uid = '11111111-1111-4111-8111-111111111111';
  const annotations = { 'eks.amazonaws.com/ecr-role-arn': ROLE_A };
  // A genuine token that expires in a few seconds; asked twice, so the second answer is a hit (and may leave a memo).
  const expiresIn = 3;
  const genuine = serviceAccountToken(
    'team-a',
    'puller',
    uid,
    'sts.amazonaws.com',
    Math.floor(Date.now() / 1000) + expiresIn,
  );
  const startedAt = Date.now();
  ok(
    await provide(request(IMAGE, V1, { serviceAccountToken: genuine, serviceAccountAnnotations: annotations }), e),
    IMAGE,
  );
  ok(
    await provide(request(IMAGE, V1, { serviceAccountToken: genuine, serviceAccountAnnotations: annotations }), e),
    IMAGE,
  );
  assert.equal(fake.webIdentityCalls.length, 1);
  // The same claims, a signature no API server made, exp in 2001: refused, with no STS call and no token.
  const forged = serviceAccountToken('team-a', 'puller', uid, 'sts.amazonaws.com', 978_307_200, 'forged');
  const refused = await provide(
    request(IMAGE, V1, { serviceAccountToken: forged, serviceAccountAnnotations: annotations }),
    e,
  );
  failed(
    refused,
    /^docker-credential-ecr: service-account token of team-a\/puller expired at 2001-01-01T00:00:00\.000Z; /,
  );
  assert.equal(fake.webIdentityCalls.length, 1);
  // The genuine token replayed after its exp: refused too (the memo of its hit ends at the token's exp).
  await new Promise((done) => setTimeout(done, Math.max(0, startedAt + (expiresIn + 1) * 1000 - Date.now())));
  const replay = await provide(
    request(IMAGE, V1, { serviceAccountToken: genuine, serviceAccountAnnotations: annotations }),
    e,
  );
  failed(replay, /service-account token of team-a\/puller expired at /);
  assert.equal(fake.webIdentityCalls.length, 1);
  assert.equal(fake.callsFor('ecr').length, 1);
});

test('per-pod roles: role-arn (IRSA key) when ecr-role-arn is absent, then AWS_ECR_ROLE_ARN, else the node identity', async () => {
  fake.trustWebIdentity(ROLE_A, { subjects: ['system:serviceaccount:*'] });
  fake.trustWebIdentity(ROLE_B, { subjects: ['system:serviceaccount:*'] });
  const token = serviceAccountToken('apps', 'web', '33333333-3333-4333-8333-333333333333');
  const roleOfLastEcrCall = () => fake.principalFor(fake.callsFor('ecr').at(-1)!.accessKeyId)?.roleArn;

  ok(
    await provide(
      request(IMAGE, V1, {
        serviceAccountToken: token,
        serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': ROLE_B },
      }),
      env(),
    ),
    IMAGE,
  );
  assert.equal(roleOfLastEcrCall(), ROLE_B);
  ok(
    await provide(
      request(IMAGE, V1, {
        serviceAccountToken: token,
        serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': ROLE_B, 'eks.amazonaws.com/ecr-role-arn': ROLE_A },
      }),
      env(),
    ),
    IMAGE,
  );
  assert.equal(roleOfLastEcrCall(), ROLE_A, 'ecr-role-arn wins');
  ok(
    await provide(
      request(IMAGE, V1, { serviceAccountToken: token, serviceAccountAnnotations: {} }),
      env({ AWS_ECR_ROLE_ARN: ROLE_B }),
    ),
    IMAGE,
  );
  assert.equal(roleOfLastEcrCall(), ROLE_B);
  const calls = fake.webIdentityCalls.length;
  ok(await provide(request(IMAGE, V1, { serviceAccountToken: token, serviceAccountAnnotations: {} }), env()), IMAGE);
  assert.equal(fake.callsFor('ecr').at(-1)!.accessKeyId, 'AKIAE2ETESTKEY000001', 'no role named: the node identity');
  assert.equal(fake.webIdentityCalls.length, calls);
});

test('without HOME (the kubelet as root): the cache still works', async () => {
  const e = env();
  delete (e as Record<string, string | undefined>).HOME;
  const cacheDir = join(homedir(), '.cache', 'docker-credential-ecr');
  const before = existsSync(cacheDir) ? new Set(readdirSync(cacheDir)) : new Set<string>();
  try {
    ok(await provide(request(IMAGE), e), IMAGE);
    ok(await provide(request(IMAGE), e), IMAGE);
    assert.equal(fake.callsFor('ecr').length, 1, 'the second request came from the cache');
  } finally {
    // The entries this test made (their key names the fake's endpoint); nothing else is touched.
    if (existsSync(cacheDir))
      for (const name of readdirSync(cacheDir)) if (!before.has(name)) rmSync(join(cacheDir, name), { force: true });
  }
});

test('kubelet-config --node-config: the path the node keeps the helper config at; none needed without custom hosts', async () => {
  const home = tempDir();
  const config = join(home, 'config.json');
  writeFileSync(config, JSON.stringify({ registries: { 'images.example.com': { target: HOST } } }));
  const e = { ...helperEnv(fake.url, home), DOCKER_CREDENTIAL_ECR_CONFIG: config };
  const custom = await runExecutable(['kubelet-config', '--node-config', '/opt/ecr/helper.json'], { env: e });
  assert.equal(custom.code, 0, custom.stderr);
  assert.deepEqual(JSON.parse(custom.stdout).providers[0].env, [
    { name: 'DOCKER_CREDENTIAL_ECR_CONFIG', value: '/opt/ecr/helper.json' },
  ]);
  const install = /install yours there on each node: (sudo install .*)\n$/.exec(custom.stderr)?.[1];
  assert.ok(install, custom.stderr);
  assert.deepEqual(
    shellWords(install),
    ['sudo', 'install', '-D', '-m', '0644', config, '/opt/ecr/helper.json'],
    'each path one word, wherever it is',
  );
  // Already at its node path: nothing to install.
  const same = await runExecutable(['kubelet-config', '--node-config', config], { env: e });
  assert.equal(same.stderr, '');
  const none = await runExecutable(['kubelet-config'], { env: helperEnv(fake.url, home) });
  assert.equal(none.code, 0);
  assert.equal(JSON.parse(none.stdout).providers[0].env, undefined);
  assert.equal(none.stderr, '');
});

test('kubelet-config: a CredentialProviderConfig by the documented schema that matches every host form we serve', async () => {
  const home = tempDir();
  const config = join(home, 'config.json');
  writeFileSync(config, JSON.stringify({ registries: { 'images.example.com': { target: HOST } } }));
  const e = { ...helperEnv(fake.url, home), DOCKER_CREDENTIAL_ECR_CONFIG: config };
  for (const flags of [[], ['--service-account-roles'], ['--name', 'docker-credential-ecr']]) {
    const result = await runExecutable(['kubelet-config', ...flags], { env: e });
    assert.equal(result.code, 0, result.stderr);
    const doc = JSON.parse(result.stdout);
    assert.deepEqual(Object.keys(doc), ['apiVersion', 'kind', 'providers']);
    assert.equal(doc.apiVersion, 'kubelet.config.k8s.io/v1');
    assert.equal(doc.kind, 'CredentialProviderConfig');
    assert.equal(doc.providers.length, 1);
    const p = doc.providers[0];
    const allowed = ['name', 'matchImages', 'defaultCacheDuration', 'apiVersion', 'args', 'env', 'tokenAttributes'];
    for (const key of Object.keys(p)) assert.ok(allowed.includes(key), `unknown provider field ${key}`);
    assert.match(p.name, /^[A-Za-z0-9._-]+$/);
    assert.equal(p.apiVersion, V1);
    assert.match(p.defaultCacheDuration, /^\d+h$/);
    // The kubelet runs as root from a system path: never the calling user's own file (issue 17).
    assert.deepEqual(p.env, [
      { name: 'DOCKER_CREDENTIAL_ECR_CONFIG', value: '/etc/docker-credential-ecr/config.json' },
    ]);
    const [said, install] = result.stderr.split('install yours there on each node: ');
    assert.equal(
      said,
      'docker-credential-ecr: kubelet-config: the kubelet runs the provider as root and reads the helper config at /etc/docker-credential-ecr/config.json; ',
    );
    assert.deepEqual(shellWords(install.replace(/\n$/, '')), [
      'sudo',
      'install',
      '-D',
      '-m',
      '0644',
      config,
      '/etc/docker-credential-ecr/config.json',
    ]);
    assert.deepEqual(p.args, flags[1] === 'docker-credential-ecr' ? [MODE] : undefined);
    const samples = [
      `${HOST}/a`,
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/a',
      '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/a',
      '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/a',
      '123456789012.dkr-ecr.eu-west-1.on.aws/a',
      '123456789012.dkr-ecr-fips.us-east-1.on.aws/a',
      '123456789012.dkr-ecr.cn-northwest-1.on.amazonwebservices.com.cn/a',
      '123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu/a',
      '123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov/a',
      '123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov/a',
      '123456789012.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk/a',
      '123456789012.dkr.ecr.us-isof-south-1.csp.hci.ic.gov/a',
      'public.ecr.aws/a',
      'ecr-public.aws.com/a',
      'images.example.com/a',
    ];
    for (const image of samples)
      assert.ok(
        p.matchImages.some((m: string) => keyMatchesImage(m, image)),
        `${flags.join(' ')}: ${image} is not matched`,
      );
    assert.ok(!p.matchImages.some((m: string) => keyMatchesImage(m, 'docker.io/library/nginx')));
    if (flags[0] === '--service-account-roles') {
      assert.deepEqual(p.tokenAttributes, {
        serviceAccountTokenAudience: 'sts.amazonaws.com',
        cacheType: 'ServiceAccount',
        requireServiceAccount: false,
        optionalServiceAccountAnnotationKeys: ['eks.amazonaws.com/ecr-role-arn', 'eks.amazonaws.com/role-arn'],
      });
    } else assert.equal(p.tokenAttributes, undefined);
  }
});

test('doctor --kubelet: a good config passes; a broken one fails with each problem named', async () => {
  const dir = tempDir();
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync(EXECUTABLE, join(bin, 'ecr-credential-provider'));
  const e = env();
  const good = join(dir, 'good.json');
  writeFileSync(good, (await runExecutable(['kubelet-config', '--service-account-roles'], { env: e })).stdout);
  const pass = await runExecutable(['doctor', '--kubelet', good, '--bin-dir', bin], { env: e });
  assert.equal(pass.code, 0, pass.stdout);
  assert.match(pass.stdout, /provider ecr-credential-provider is this executable/);
  assert.match(
    pass.stdout,
    /matchImages cover every ECR host form of partition aws \(no region is set: AWS_REGION; judged as a commercial-region node\) \(6 forms, every region\)/,
  );
  assert.match(pass.stdout, /, 0 failed\n$/);

  // The kubernetes.io example's China pattern, no public hosts, v1beta1 with tokenAttributes and no cacheType,
  // and a provider file that is not there.
  const broken = join(dir, 'broken.yaml');
  writeFileSync(
    broken,
    [
      'apiVersion: kubelet.config.k8s.io/v1',
      'kind: CredentialProviderConfig',
      'providers:',
      '  - name: docker-credential-ecr',
      '    matchImages: ["*.dkr.ecr.*.amazonaws.com", "*.dkr.ecr.*.amazonaws.cn"]',
      '    defaultCacheDuration: 12h',
      '    apiVersion: credentialprovider.kubelet.k8s.io/v1beta1',
      '    tokenAttributes:',
      '      serviceAccountTokenAudience: sts.amazonaws.com',
      '',
    ].join('\n'),
  );
  const missingFile = await runExecutable(['doctor', '--kubelet', broken, '--bin-dir', bin], { env: e });
  assert.equal(missingFile.code, 1);
  assert.match(
    missingFile.stdout,
    /fail  .*bin\/docker-credential-ecr does not exist or is not executable; the kubelet refuses to start/,
  );
  symlinkSync(EXECUTABLE, join(bin, 'docker-credential-ecr'));
  const fail = await runExecutable(['doctor', '--kubelet', broken, '--bin-dir', bin], { env: e });
  assert.equal(fail.code, 1);
  assert.match(
    fail.stdout,
    /fail  provider docker-credential-ecr: args \[\] do not select the kubelet mode; fix: args: \["kubelet-credential-provider"\]/,
  );
  assert.match(
    fail.stdout,
    /warn  matchImages miss .*public\.ecr\.aws.* private ones fail, public ones at a lower rate limit/,
  );
  assert.match(fail.stdout, /warn  matchImages \*\.dkr\.ecr\.\*\.amazonaws\.cn match no host this helper serves/);
  assert.match(fail.stdout, /fail  tokenAttributes need apiVersion credentialprovider\.kubelet\.k8s\.io\/v1/);
  assert.match(fail.stdout, /fail  tokenAttributes\.cacheType undefined must be ServiceAccount or Token/);

  // A custom host from the config file that the node's matchImages leave out.
  const helperConfig = join(dir, 'helper-config.json');
  writeFileSync(helperConfig, JSON.stringify({ registries: { 'images.example.com': { target: HOST } } }));
  const uncovered = await runExecutable(['doctor', '--kubelet', good, '--bin-dir', bin], {
    env: { ...e, DOCKER_CREDENTIAL_ECR_CONFIG: helperConfig },
  });
  assert.equal(uncovered.code, 0, uncovered.stdout);
  assert.match(
    uncovered.stdout,
    /warn  the config file's custom hosts images\.example\.com are not in matchImages; fix: add them/,
  );

  const unparsable = join(dir, 'bad.yaml');
  writeFileSync(unparsable, 'providers: [\n');
  const bad = await runExecutable(['doctor', '--kubelet', unparsable], { env: e });
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /fail  cannot read .*bad\.yaml/);
});
