// Routing (registry/routing.ts), the one answer to "do we serve this host?", with the helper's config file in a
// temporary HOME and the environment passed in: which hosts are served and by which registry, what a rule without
// a target does, and what a request is refused for, with the words `get` prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSettings, type Settings } from '../../src/platform/settings';
import { CredentialsNotFoundError, ConfigError } from '../../src/platform/errors';
import { registryServing, routeServerUrl, servedRegistry, servesHost } from '../../src/registry/routing';
import { tempDir } from '../support/temp';

const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

function settingsWith(registries?: Record<string, unknown>, aws = ''): Settings {
  const home = tempDir('dce-routing-');
  if (registries) {
    mkdirSync(join(home, '.config', 'docker-credential-ecr'), { recursive: true });
    writeFileSync(
      join(home, '.config', 'docker-credential-ecr', 'config.json'),
      JSON.stringify({ registries }, null, 2),
    );
  }
  mkdirSync(join(home, '.aws'));
  writeFileSync(join(home, '.aws', 'config'), aws);
  return readSettings(
    { HOME: home, AWS_ACCESS_KEY_ID: 'AKIAROUTINGUNIT00001', AWS_SECRET_ACCESS_KEY: 's' },
    () => home,
  );
}

test('ECR hosts of every partition and variant and ECR Public are served, by the registry the host names', () => {
  const settings = settingsWith();
  for (const [host, kind, region, partition] of [
    [ECR, 'ecr', 'eu-west-1', 'aws'],
    ['123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com', 'ecr', 'us-gov-west-1', 'aws-us-gov'],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', 'ecr', 'cn-north-1', 'aws-cn'],
    ['123456789012.dkr-ecr.eu-west-1.on.aws', 'ecr', 'eu-west-1', 'aws'],
    ['public.ecr.aws', 'ecr-public', 'us-east-1', 'aws'],
  ] as const) {
    const { registry } = servedRegistry(host, settings);
    assert.deepEqual([registry?.kind, registry?.region, registry?.partition], [kind, region, partition], host);
    assert.equal(servesHost(host, settings), true, host);
  }
});

test('hosts that only look like ECR, and other registries, are not served', () => {
  const settings = settingsWith();
  for (const host of [
    'docker.io',
    'ghcr.io',
    '123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.example',
    '123456789012.dkr.ecr.eu-west-1.amazonaws.co',
    'ecr.aws',
    'public.ecr.aws.example.com',
  ]) {
    assert.equal(servesHost(host, settings), false, host);
    assert.throws(
      () => routeServerUrl(host, settings),
      (e: Error) => e instanceof CredentialsNotFoundError && e.reason === `${host} is not an ECR registry`,
      host,
    );
  }
});

test('a rule with a target serves a custom host by that registry; a rule without one only chooses the identity', () => {
  const settings = settingsWith(
    {
      'images.example.com': { target: ECR, profile: 'prod' },
      '*.dkr.ecr.us-east-2.amazonaws.com': { profile: 'prod' },
    },
    '[profile prod]\naws_access_key_id = AKIAPRODPROFILE00001\naws_secret_access_key = p\n',
  );
  const custom = routeServerUrl('https://images.example.com', settings);
  assert.deepEqual(
    [custom.registry.region, custom.requestedHost, custom.identity.profile],
    ['eu-west-1', 'images.example.com', 'prod'],
  );
  assert.deepEqual(
    custom.customPattern,
    undefined,
    'an exact host is no pattern to check against the Public Suffix List',
  );
  const chosen = routeServerUrl('210987654321.dkr.ecr.us-east-2.amazonaws.com', settings);
  assert.deepEqual(
    [chosen.registry.kind, chosen.registry.region, chosen.identity.profile],
    ['ecr', 'us-east-2', 'prod'],
  );
  assert.equal(
    routeServerUrl(ECR, settings).identity.profile,
    undefined,
    'hosts no rule matches keep the default identity',
  );
  assert.equal(servesHost('other.example.com', settings), false);
  const { config } = servedRegistry(ECR, settings);
  assert.equal(
    registryServing('images.example.com', config).registry?.kind,
    'ecr',
    'the same answer over a config already loaded',
  );
});

test('plain http is refused for get (the token would travel in clear) and allowed for erase', () => {
  const settings = settingsWith();
  assert.throws(
    () => routeServerUrl(`http://${ECR}`, settings),
    (e: Error) => e instanceof CredentialsNotFoundError && e.reason === 'plain http would expose the token',
  );
  assert.equal(routeServerUrl(`http://${ECR}`, settings, { allowPlainHttp: true }).registry.kind, 'ecr');
});

test("a rule naming a profile that does not exist is refused with the config file's name and line", () => {
  const settings = settingsWith({ [ECR]: { profile: 'nope' } });
  assert.throws(
    () => routeServerUrl(ECR, settings),
    (e: Error) =>
      e instanceof ConfigError &&
      /config\.json:3: registry "123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com": profile "nope" is not in /.test(
        e.message,
      ),
  );
});
