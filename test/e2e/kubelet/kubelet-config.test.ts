// kubelet-config: the CredentialProviderConfig it prints (by the documented schema, matching every host form we serve)
// and where the node keeps the helper config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../../support/use-fake-aws';
import { runExecutable } from '../../support/executable';
import { tempDir } from '../../support/temp';
import { shellWords } from '../../support/shell';
import { helperEnv } from '../../support/helper-bin';
import { keyMatchesImage } from '../../support/kubelet-match';
import { HOST, MODE, V1 } from './provider';

const fake = useFakeAws();

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
