import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSettings } from '../../src/platform/settings';
import { selectIdentity } from '../../src/identity/identity';
import { tempDir } from '../support/temp';

function settingsWith(env: Record<string, string>, config = '', credentials = '') {
  const home = tempDir();
  writeFileSync(join(home, 'config'), config);
  writeFileSync(join(home, 'credentials'), credentials);
  return readSettings({ HOME: home, AWS_CONFIG_FILE: join(home, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'), ...env }, () => home);
}

test('AWS_PROFILE wins over environment keys, as in the SDK chain', () => {
  const s = settingsWith({ AWS_PROFILE: 'prod', AWS_ACCESS_KEY_ID: 'AKIAENV' }, '[profile prod]\nregion = eu-west-1\n');
  const identity = selectIdentity(s);
  assert.equal(identity.source, 'profile');
  assert.equal(identity.profile, 'prod');
  assert.doesNotMatch(identity.keyMaterial, /AKIAENV/);
});

test('environment keys select by access key id', () => {
  const identity = selectIdentity(settingsWith({ AWS_ACCESS_KEY_ID: 'AKIAENV' }));
  assert.equal(identity.source, 'environment');
  assert.equal(identity.keyMaterial, 'env:AKIAENV');
});

test("a profile's key changes when its settings change, not when unrelated ones do", () => {
  const base = '[profile prod]\nsso_session = corp\nsso_account_id = 111111111111\n[sso-session corp]\nsso_region = us-east-1\n';
  const a = selectIdentity(settingsWith({ AWS_PROFILE: 'prod' }, base)).keyMaterial;
  const same = selectIdentity(settingsWith({ AWS_PROFILE: 'prod' }, `${base}[profile other]\nregion = x\n`)).keyMaterial;
  const otherAccount = selectIdentity(settingsWith({ AWS_PROFILE: 'prod' }, base.replace('111111111111', '222222222222'))).keyMaterial;
  const otherSession = selectIdentity(settingsWith({ AWS_PROFILE: 'prod' }, base.replace('sso_region = us-east-1', 'sso_region = eu-west-1'))).keyMaterial;
  assert.equal(a, same);
  assert.notEqual(a, otherAccount);
  assert.notEqual(a, otherSession);
});

test('source_profile chains are part of the fingerprint', () => {
  const config = '[profile role]\nrole_arn = arn:aws:iam::111111111111:role/r\nsource_profile = base\n';
  const a = selectIdentity(settingsWith({ AWS_PROFILE: 'role' }, config, '[base]\naws_access_key_id = AKIA1\n')).keyMaterial;
  const b = selectIdentity(settingsWith({ AWS_PROFILE: 'role' }, config, '[base]\naws_access_key_id = AKIA2\n')).keyMaterial;
  assert.notEqual(a, b);
  assert.doesNotMatch(a, /AKIA/);
});

test('a named profile that exists nowhere is reported as missing', () => {
  const identity = selectIdentity(settingsWith({ AWS_PROFILE: 'nope' }));
  assert.equal(identity.missingProfile, 'nope');
});

test('web identity, container and instance roles in chain order', () => {
  assert.equal(selectIdentity(settingsWith({ AWS_ROLE_ARN: 'arn:aws:iam::1:role/x', AWS_WEB_IDENTITY_TOKEN_FILE: '/t' })).source, 'web-identity');
  assert.equal(selectIdentity(settingsWith({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/creds' })).source, 'container');
  assert.equal(selectIdentity(settingsWith({})).source, 'default-chain');
  assert.equal(selectIdentity(settingsWith({}, '[default]\nregion = us-east-1\n')).source, 'profile');
});

test('a role choice is layered on the base identity and keyed separately', () => {
  const s = settingsWith({ AWS_ACCESS_KEY_ID: 'AKIAENV' });
  const plain = selectIdentity(s);
  const role = selectIdentity(s, { roleArn: 'arn:aws:iam::210987654321:role/puller', externalId: 'x' });
  assert.equal(role.role?.arn, 'arn:aws:iam::210987654321:role/puller');
  assert.notEqual(role.keyMaterial, plain.keyMaterial);
});
