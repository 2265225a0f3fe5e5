import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/platform/errors';
import { matchRule, parseRegistryConfig } from '../../src/registry/config-file';
import { moreSpecific } from '../../src/registry/host-pattern';

const FILE = '/home/u/.config/docker-credential-ecr/config.json';
const parse = (value: unknown) => parseRegistryConfig(JSON.stringify(value, null, 2), FILE);

test('the documented example parses', () => {
  const config = parse({
    registries: {
      '123456789012.dkr.ecr.us-east-1.amazonaws.com': { profile: 'prod' },
      '*.dkr.ecr.eu-west-1.amazonaws.com': { roleArn: 'arn:aws:iam::210987654321:role/puller', externalId: 'optional' },
      'images.example.com': { target: '123456789012.dkr.ecr.us-east-1.amazonaws.com', profile: 'prod' },
      'public.ecr.aws': { profile: 'public-puller' },
    },
  });
  assert.equal(config.rules.length, 4);
  assert.deepEqual(
    config.rules.map((r) => r.line),
    [3, 6, 10, 14],
  );
  const custom = matchRule(config, 'images.example.com')!;
  assert.equal(custom.target?.kind, 'ecr');
  assert.equal(custom.choice.profile, 'prod');
  assert.equal(
    matchRule(config, '111111111111.dkr.ecr.eu-west-1.amazonaws.com')?.choice.roleArn,
    'arn:aws:iam::210987654321:role/puller',
  );
  assert.equal(matchRule(config, '111111111111.dkr.ecr.eu-west-2.amazonaws.com'), undefined);
});

test('an exact host beats any pattern', () => {
  const config = parse({
    registries: {
      '*.dkr.ecr.us-east-1.amazonaws.com': { profile: 'a' },
      '123456789012.dkr.ecr.us-east-1.amazonaws.com': { profile: 'b' },
    },
  });
  assert.equal(matchRule(config, '123456789012.dkr.ecr.us-east-1.amazonaws.com')?.choice.profile, 'b');
  assert.equal(matchRule(config, '210987654321.dkr.ecr.us-east-1.amazonaws.com')?.choice.profile, 'a');
});

test('more literal labels beat fewer; ties go to the literal nearer the right', () => {
  const config = parse({
    registries: {
      '*.dkr.ecr.*.amazonaws.com': { profile: 'two-stars' },
      '123456789012.dkr.ecr.*.amazonaws.com': { profile: 'region-star' },
      '*.dkr.ecr.us-east-1.amazonaws.com': { profile: 'account-star' },
    },
  });
  // Both one-star patterns match with five literal labels: us-east-1 (right) beats 123456789012 (left).
  assert.equal(matchRule(config, '123456789012.dkr.ecr.us-east-1.amazonaws.com')?.choice.profile, 'account-star');
  assert.equal(matchRule(config, '123456789012.dkr.ecr.eu-west-1.amazonaws.com')?.choice.profile, 'region-star');
  assert.equal(matchRule(config, '111111111111.dkr.ecr.eu-west-1.amazonaws.com')?.choice.profile, 'two-stars');
  assert.ok(moreSpecific('*.dkr.ecr.us-east-1.amazonaws.com', '123456789012.dkr.ecr.*.amazonaws.com') < 0);
});

test('a * matches exactly one label', () => {
  const config = parse({ registries: { '*.example.com': { target: 'public.ecr.aws' } } });
  assert.ok(matchRule(config, 'a.example.com'));
  assert.equal(matchRule(config, 'a.b.example.com'), undefined);
  assert.equal(matchRule(config, 'example.com'), undefined);
});

const MALFORMED: Array<[string, string, RegExp]> = [
  ['broken JSON', '{\n  "registries": {\n    "x": \n  }\n}', /config\.json:4: not valid JSON/],
  ['not an object', '[]', /config\.json:1: the file must hold a JSON object/],
  ['unknown top-level key', '{\n  "registries": {},\n  "registry": {}\n}', /config\.json:3: unknown key "registry"/],
  ['registries not an object', '{\n  "registries": []\n}', /config\.json:2: "registries" must be an object/],
  [
    'unknown setting',
    '{\n  "registries": {\n    "public.ecr.aws": {\n      "profle": "x"\n    }\n  }\n}',
    /config\.json:4: registry "public\.ecr\.aws": unknown setting "profle"/,
  ],
  [
    '* inside a label',
    '{"registries": {"12345*.dkr.ecr.us-east-1.amazonaws.com": {"profile": "a"}}}',
    /registry "12345\*\.dkr[^"]*": not a host name or a pattern/,
  ],
  ['bare *', '{"registries": {"*": {"profile": "a"}}}', /registry "\*": not a host name or a pattern/],
  [
    'target not ECR',
    '{"registries": {"images.example.com": {"target": "registry.example.com"}}}',
    /target "registry\.example\.com" is not an ECR or ECR Public host/,
  ],
  [
    'target a pattern',
    '{"registries": {"images.example.com": {"target": "*.dkr.ecr.us-east-1.amazonaws.com"}}}',
    /is not an ECR or ECR Public host/,
  ],
  [
    'non-ECR host without target',
    '{\n"registries": {\n"images.example.com": {"profile": "a"}}}',
    /config\.json:3: registry "images\.example\.com": not an ECR host; a custom host name needs "target"/,
  ],
  [
    'non-ECR pattern without target',
    '{"registries": {"*.example.com": {"profile": "a"}}}',
    /registry "\*\.example\.com": not an ECR host/,
  ],
  [
    'bad role ARN',
    '{"registries": {"public.ecr.aws": {"roleArn": "puller"}}}',
    /roleArn "puller" is not an IAM role ARN/,
  ],
  [
    'externalId without role',
    '{"registries": {"public.ecr.aws": {"externalId": "x"}}}',
    /externalId and sessionName need a roleArn/,
  ],
  ['non-string value', '{"registries": {"public.ecr.aws": {"profile": 3}}}', /"profile" must be a non-empty string/],
  ['entry not an object', '{"registries": {"public.ecr.aws": "prod"}}', /the settings must be an object/],
];

for (const [name, text, message] of MALFORMED) {
  test(`malformed config: ${name}`, () => {
    assert.throws(
      () => parseRegistryConfig(text, FILE),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, message);
        assert.ok(error.message.startsWith(FILE), error.message);
        return true;
      },
    );
  });
}
