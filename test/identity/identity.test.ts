import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSettings } from '../../src/platform/settings';
import { selectIdentity } from '../../src/identity/identity';
import { tempDir } from '../support/temp';
import { makeWebIdentityToken } from '../support/fake-aws';

function settingsWith(env: Record<string, string>, config = '', credentials = '') {
  const home = tempDir();
  writeFileSync(join(home, 'config'), config);
  writeFileSync(join(home, 'credentials'), credentials);
  return readSettings(
    {
      HOME: home,
      AWS_CONFIG_FILE: join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
      ...env,
    },
    () => home,
  );
}

const KEYS = { AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 'env-secret' };

test('AWS_PROFILE wins over environment keys, as in the SDK chain', () => {
  const s = settingsWith({ AWS_PROFILE: 'prod', ...KEYS }, '[profile prod]\nsso_session = corp\nregion = eu-west-1\n');
  const identity = selectIdentity(s);
  assert.equal(identity.source, 'profile');
  assert.equal(identity.profile, 'prod');
  assert.doesNotMatch(identity.keyMaterial, /AKIAENV/);
});

test('AWS_PROFILE naming a profile with only a region: the SDK skips the environment keys AND the profile', () => {
  const identity = selectIdentity(
    settingsWith({ AWS_PROFILE: 'prod', ...KEYS }, '[profile prod]\nregion = eu-west-1\n'),
  );
  assert.equal(identity.source, 'instance');
});

test('environment keys select by access key id, and only as a pair (as fromEnv takes them)', () => {
  const identity = selectIdentity(settingsWith(KEYS));
  assert.equal(identity.source, 'environment');
  assert.match(identity.keyMaterial, /^env:AKIAENV:[0-9a-f]{16}$/);
  assert.doesNotMatch(identity.keyMaterial, /env-secret/);
  assert.notEqual(
    selectIdentity(settingsWith({ ...KEYS, AWS_SECRET_ACCESS_KEY: 'other' })).keyMaterial,
    identity.keyMaterial,
    'a wrong secret is not a hit',
  );
  assert.equal(selectIdentity(settingsWith({ AWS_ACCESS_KEY_ID: 'AKIAENV' })).source, 'instance');
});

test("a profile's key changes when its settings change, not when unrelated ones do", () => {
  const base =
    '[profile prod]\nsso_session = corp\nsso_account_id = 111111111111\n[sso-session corp]\nsso_region = us-east-1\n';
  const a = selectIdentity(settingsWith({ AWS_PROFILE: 'prod' }, base)).keyMaterial;
  const same = selectIdentity(
    settingsWith({ AWS_PROFILE: 'prod' }, `${base}[profile other]\nregion = x\n`),
  ).keyMaterial;
  const otherAccount = selectIdentity(
    settingsWith({ AWS_PROFILE: 'prod' }, base.replace('111111111111', '222222222222')),
  ).keyMaterial;
  const otherSession = selectIdentity(
    settingsWith({ AWS_PROFILE: 'prod' }, base.replace('sso_region = us-east-1', 'sso_region = eu-west-1')),
  ).keyMaterial;
  assert.equal(a, same);
  assert.notEqual(a, otherAccount);
  assert.notEqual(a, otherSession);
});

test('source_profile chains are part of the fingerprint', () => {
  const config = '[profile role]\nrole_arn = arn:aws:iam::111111111111:role/r\nsource_profile = base\n';
  const a = selectIdentity(
    settingsWith({ AWS_PROFILE: 'role' }, config, '[base]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n'),
  ).keyMaterial;
  const b = selectIdentity(
    settingsWith({ AWS_PROFILE: 'role' }, config, '[base]\naws_access_key_id = AKIA2\naws_secret_access_key = s\n'),
  ).keyMaterial;
  assert.notEqual(a, b);
  assert.doesNotMatch(a, /AKIA/);
});

test('a named profile that exists nowhere is reported as missing', () => {
  const identity = selectIdentity(settingsWith({ AWS_PROFILE: 'nope' }));
  assert.equal(identity.missingProfile, 'nope');
});

test('web identity, container and instance roles in chain order', () => {
  assert.equal(
    selectIdentity(settingsWith({ AWS_ROLE_ARN: 'arn:aws:iam::1:role/x', AWS_WEB_IDENTITY_TOKEN_FILE: '/t' })).source,
    'web-identity',
  );
  assert.equal(
    selectIdentity(settingsWith({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/creds' })).source,
    'container',
  );
  assert.equal(selectIdentity(settingsWith({})).source, 'instance');
  assert.equal(selectIdentity(settingsWith({ AWS_EC2_METADATA_DISABLED: 'true' })).source, 'none');
  assert.equal(selectIdentity(settingsWith({ AWS_EC2_METADATA_DISABLED: 'false' })).source, 'instance');
});

test('a [default] section with only a region is not a credential source: web identity, container, instance follow', () => {
  const config = '[default]\nregion = us-east-1\n';
  const home = tempDir();
  const token = join(home, 'token');
  writeFileSync(token, makeWebIdentityToken({ sub: 'repo:org/a:ref:refs/heads/main' }));
  assert.equal(
    selectIdentity(settingsWith({ AWS_ROLE_ARN: 'arn:aws:iam::1:role/x', AWS_WEB_IDENTITY_TOKEN_FILE: token }, config))
      .source,
    'web-identity',
  );
  assert.equal(
    selectIdentity(settingsWith({ AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://169.254.170.23/v1/credentials' }, config))
      .source,
    'container',
  );
  assert.equal(selectIdentity(settingsWith({}, config)).source, 'instance');
  // Each kind of credential setting makes it a source, by the SDK's own tests.
  for (const lines of [
    'aws_access_key_id = A\naws_secret_access_key = B',
    'role_arn = arn:aws:iam::1:role/r\nsource_profile = x',
    'role_arn = arn:aws:iam::1:role/r\ncredential_source = Environment',
    'credential_process = /bin/true',
    'sso_session = corp',
    'sso_start_url = https://x',
    'login_session = arn:aws:iam::1:user/u',
    `role_arn = arn:aws:iam::1:role/r\nweb_identity_token_file = ${token}`,
  ]) {
    assert.equal(
      selectIdentity(settingsWith({}, `[default]\nregion = us-east-1\n${lines}\n`)).source,
      'profile',
      lines,
    );
  }
  // Not sources: half a key pair, a role with neither base nor both.
  for (const lines of [
    'aws_access_key_id = A',
    'role_arn = arn:aws:iam::1:role/r',
    'role_arn = arn:aws:iam::1:role/r\nsource_profile = x\ncredential_source = Environment',
  ]) {
    assert.equal(selectIdentity(settingsWith({}, `[default]\n${lines}\n`)).source, 'instance', lines);
  }
});

test('web identity: keyed by role and the token subject and audience; a rotated token for the same subject keeps the key', () => {
  const dir = tempDir();
  const write = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const key = (role: string, file: string): string =>
    selectIdentity(settingsWith({ AWS_ROLE_ARN: role, AWS_WEB_IDENTITY_TOKEN_FILE: file })).keyMaterial;
  const roleA = 'arn:aws:iam::111111111111:role/a';
  const main1 = write('main1', makeWebIdentityToken({ sub: 'repo:org/app:ref:refs/heads/main' }));
  const main2 = write('main2', makeWebIdentityToken({ sub: 'repo:org/app:ref:refs/heads/main', iat: 1 }));
  const pr = write('pr', makeWebIdentityToken({ sub: 'repo:org/app:pull_request' }));
  const otherAudience = write('aud', makeWebIdentityToken({ sub: 'repo:org/app:ref:refs/heads/main', aud: 'other' }));
  assert.equal(key(roleA, main1), key(roleA, main2));
  assert.notEqual(key(roleA, main1), key(roleA, pr));
  assert.notEqual(key(roleA, main1), key(roleA, otherAudience));
  assert.notEqual(key(roleA, main1), key('arn:aws:iam::111111111111:role/b', main1));
  // Not a JWT: the content's hash; unreadable: a key of its own. Never the token itself.
  const opaque1 = write('o1', 'opaque-token-one');
  const opaque2 = write('o2', 'opaque-token-two');
  assert.notEqual(key(roleA, opaque1), key(roleA, opaque2));
  assert.doesNotMatch(key(roleA, opaque1), /opaque-token/);
  assert.notEqual(key(roleA, join(dir, 'missing')), key(roleA, opaque1));
  assert.doesNotMatch(key(roleA, main1), /\.[A-Za-z0-9_-]{40,}/, 'no token segment in the key');
});

test("container credentials: keyed by endpoint and the token's service account, or its hash", () => {
  const dir = tempDir();
  const endpoint = 'http://169.254.170.23/v1/credentials';
  const tokenFor = (sub: string, name: string): string => {
    writeFileSync(join(dir, name), makeWebIdentityToken({ sub, aud: 'pods.eks.amazonaws.com' }));
    return join(dir, name);
  };
  const key = (env: Record<string, string>): string =>
    selectIdentity(settingsWith({ AWS_CONTAINER_CREDENTIALS_FULL_URI: endpoint, ...env })).keyMaterial;
  const a1 = key({ AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFor('system:serviceaccount:team-a:builder', 'a1') });
  const a2 = key({ AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFor('system:serviceaccount:team-a:builder', 'a2') });
  const b = key({ AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFor('system:serviceaccount:team-b:builder', 'b') });
  assert.equal(a1, a2);
  assert.notEqual(a1, b);
  const t1 = key({ AWS_CONTAINER_AUTHORIZATION_TOKEN: 'ecs-token-1' });
  const t2 = key({ AWS_CONTAINER_AUTHORIZATION_TOKEN: 'ecs-token-2' });
  assert.notEqual(t1, t2);
  assert.doesNotMatch(t1, /ecs-token/);
  // The relative URI wins over the full one, as in the SDK's fromHttp.
  assert.match(
    selectIdentity(
      settingsWith({
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/creds/x',
        AWS_CONTAINER_CREDENTIALS_FULL_URI: endpoint,
      }),
    ).keyMaterial,
    /\/v2\/creds\/x/,
  );
});

test('a role profile with credential_source is keyed by the base credentials too', () => {
  const config = '[profile r]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Environment\n';
  const a = selectIdentity(
    settingsWith({ AWS_PROFILE: 'r', AWS_ACCESS_KEY_ID: 'AKIAONE', AWS_SECRET_ACCESS_KEY: 's' }, config),
  ).keyMaterial;
  const b = selectIdentity(
    settingsWith({ AWS_PROFILE: 'r', AWS_ACCESS_KEY_ID: 'AKIATWO', AWS_SECRET_ACCESS_KEY: 's' }, config),
  ).keyMaterial;
  assert.notEqual(a, b);
});

test('a profile chosen for a registry that holds no credentials is flagged, never replaced by another source', () => {
  const identity = selectIdentity(settingsWith(KEYS, '[profile prod]\nregion = eu-west-1\n'), { profile: 'prod' });
  assert.equal(identity.profileWithoutCredentials, 'prod');
  assert.doesNotMatch(identity.keyMaterial, /AKIAENV/);
});

test('a role choice is layered on the base identity and keyed separately', () => {
  const s = settingsWith(KEYS);
  const plain = selectIdentity(s);
  const role = selectIdentity(s, { roleArn: 'arn:aws:iam::210987654321:role/puller', externalId: 'x' });
  assert.equal(role.role?.arn, 'arn:aws:iam::210987654321:role/puller');
  assert.notEqual(role.keyMaterial, plain.keyMaterial);
});
