import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseServerUrl, registryDomain, registryForHost, registryForServerUrl } from '../../src/registry/host';
import { CredentialsNotFoundError, MissingServerUrlError } from '../../src/platform/errors';

const A = '123456789012';

// host -> expected [kind, region, partition, fips, dualstack]
const SERVED: Array<[string, string, string, string, boolean, boolean]> = [
  [`${A}.dkr.ecr.us-east-1.amazonaws.com`, 'ecr', 'us-east-1', 'aws', false, false],
  [`${A}.dkr.ecr.eu-west-1.amazonaws.com`, 'ecr', 'eu-west-1', 'aws', false, false],
  [`${A}.dkr.ecr.ap-southeast-5.amazonaws.com`, 'ecr', 'ap-southeast-5', 'aws', false, false],
  [`${A}.dkr.ecr.us-gov-west-1.amazonaws.com`, 'ecr', 'us-gov-west-1', 'aws-us-gov', false, false],
  [`${A}.dkr.ecr-fips.us-gov-east-1.amazonaws.com`, 'ecr', 'us-gov-east-1', 'aws-us-gov', true, false],
  [`${A}.dkr.ecr-fips.us-east-1.amazonaws.com`, 'ecr', 'us-east-1', 'aws', true, false],
  [`${A}.dkr.ecr.cn-north-1.amazonaws.com.cn`, 'ecr', 'cn-north-1', 'aws-cn', false, false],
  [`${A}.dkr.ecr.cn-northwest-1.amazonaws.com.cn`, 'ecr', 'cn-northwest-1', 'aws-cn', false, false],
  [`${A}.dkr.ecr.us-iso-east-1.c2s.ic.gov`, 'ecr', 'us-iso-east-1', 'aws-iso', false, false],
  [`${A}.dkr.ecr.us-isob-east-1.sc2s.sgov.gov`, 'ecr', 'us-isob-east-1', 'aws-iso-b', false, false],
  [`${A}.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk`, 'ecr', 'eu-isoe-west-1', 'aws-iso-e', false, false],
  [`${A}.dkr.ecr.us-isof-south-1.csp.hci.ic.gov`, 'ecr', 'us-isof-south-1', 'aws-iso-f', false, false],
  [`${A}.dkr.ecr.eusc-de-east-1.amazonaws.eu`, 'ecr', 'eusc-de-east-1', 'aws-eusc', false, false],
  [`${A}.dkr-ecr.us-east-1.on.aws`, 'ecr', 'us-east-1', 'aws', false, true],
  [`${A}.dkr-ecr-fips.us-east-1.on.aws`, 'ecr', 'us-east-1', 'aws', true, true],
  [`${A}.dkr-ecr.us-gov-west-1.on.aws`, 'ecr', 'us-gov-west-1', 'aws-us-gov', false, true],
  [`${A}.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn`, 'ecr', 'cn-north-1', 'aws-cn', false, true],
  ['public.ecr.aws', 'ecr-public', 'us-east-1', 'aws', false, false],
  ['ecr-public.aws.com', 'ecr-public', 'us-east-1', 'aws', false, true],
];

for (const [host, kind, region, partition, fips, dualstack] of SERVED) {
  test(`serves ${host}`, () => {
    const registry = registryForHost(host);
    assert.ok(registry, `${host} should be served`);
    assert.deepEqual(
      {
        kind: registry.kind,
        region: registry.region,
        partition: registry.partition,
        fips: registry.fips,
        dualstack: registry.dualstack,
      },
      { kind, region, partition, fips, dualstack },
    );
    if (registry.kind === 'ecr') assert.equal(registry.account, A);
  });
}

const LOOK_ALIKES = [
  `${A}.dkr.ecr.us-east-1.amazonaws.com.evil.example`,
  `evil-${A}.dkr.ecr.us-east-1.amazonaws.com`,
  `evil.${A}.dkr.ecr.us-east-1.amazonaws.com`,
  `12345678901.dkr.ecr.us-east-1.amazonaws.com`,
  `1234567890123.dkr.ecr.us-east-1.amazonaws.com`,
  `${A}.dkr.ecr.us-east-1.amazonaws.co`,
  `${A}.dkr.ecr.us-east-1.amazonaws.com.cn.evil.example`,
  `${A}.dkr.ecr.cn-north-1.amazonaws.com`,
  `${A}.dkr.ecr.us-east-1.amazonaws.com.cn`,
  `${A}.dkr-ecr.us-east-1.amazonaws.com`,
  `${A}.dkr.ecr.us-east-1.on.aws`,
  `${A}.dkr.ecr.useast1.amazonaws.com`,
  `${A}.dkr.ecr-public.us-east-1.amazonaws.com`,
  `${A}.dkrXecr.us-east-1.amazonaws.com`,
  'public.ecr.aws.evil.example',
  'evilpublic.ecr.aws',
  'x.public.ecr.aws',
  'ecr.aws',
  'amazonaws.com',
  'localhost',
];

for (const host of LOOK_ALIKES) {
  test(`refuses look-alike ${host}`, () => {
    assert.equal(registryForHost(host), undefined);
    assert.throws(() => registryForServerUrl(host), CredentialsNotFoundError);
  });
}

test('accepts the forms Docker and people send', () => {
  const host = `${A}.dkr.ecr.us-east-1.amazonaws.com`;
  for (const input of [
    host,
    `${host}\n`,
    `${host}\r\n`,
    `${host}:443`,
    `https://${host}`,
    `https://${host}/`,
    `https://${host}/v2/repo/manifests/latest`,
    `HTTPS://${host.toUpperCase()}`,
    `${host}.`,
  ]) {
    assert.equal(registryForServerUrl(input).host, host, input);
  }
  assert.deepEqual(parseServerUrl(`https://${host}:5000/x`), { host, port: 5000, scheme: 'https' });
});

const HOSTILE: Array<[string, string]> = [
  ['user info', `https://user:pass@${A}.dkr.ecr.us-east-1.amazonaws.com`],
  ['user info without scheme', `x@${A}.dkr.ecr.us-east-1.amazonaws.com`],
  ['plain http', `http://${A}.dkr.ecr.us-east-1.amazonaws.com`],
  ['other scheme', `ftp://${A}.dkr.ecr.us-east-1.amazonaws.com`],
  ['dot-dot path', `${A}.dkr.ecr.us-east-1.amazonaws.com/../x`],
  ['encoded path', `${A}.dkr.ecr.us-east-1.amazonaws.com/%2e%2e/x`],
  ['backslash', `${A}.dkr.ecr.us-east-1.amazonaws.com\\evil`],
  ['NUL byte', `${A}.dkr.ecr.us-east-1.amazonaws.com\0.evil.example`],
  ['control character', `${A}.dkr.ecr.us-east-1.amazonaws.com\x1b[31m`],
  ['space inside', `${A}.dkr.ecr.us-east-1.amazonaws.com evil`],
  ['Unicode look-alike (Cyrillic а)', `${A}.dkr.ecr.us-east-1.\u0430mazonaws.com`],
  ['fullwidth digits', `\uff11\uff12\uff13456789012.dkr.ecr.us-east-1.amazonaws.com`],
  ['replacement char from invalid UTF-8', `${A}.dkr.ecr.us-east-1.amazonaws.com\ufffd`],
  ['overlong label', `${A}.dkr.ecr.${'a'.repeat(64)}-1.amazonaws.com`],
  ['overlong input', `${A}.dkr.ecr.us-east-1.amazonaws.com/${'a'.repeat(5000)}`],
  ['port zero', `${A}.dkr.ecr.us-east-1.amazonaws.com:0`],
  ['port out of range', `${A}.dkr.ecr.us-east-1.amazonaws.com:65536`],
  ['port not a number', `${A}.dkr.ecr.us-east-1.amazonaws.com:https`],
  ['JSON instead of a URL', `{"ServerURL":"${A}.dkr.ecr.us-east-1.amazonaws.com"}`],
  ['empty label', `${A}..dkr.ecr.us-east-1.amazonaws.com`],
  ['IPv6 literal', '[::1]:5000'],
];

for (const [name, input] of HOSTILE) {
  test(`refuses hostile input: ${name}`, () => {
    assert.throws(() => registryForServerUrl(input), CredentialsNotFoundError);
  });
}

test('empty input is "no credentials server URL"', () => {
  assert.throws(() => parseServerUrl(''), MissingServerUrlError);
  assert.throws(() => parseServerUrl('\n'), MissingServerUrlError);
});

test('each partition names the domain of its private registry hosts', () => {
  const expected = {
    aws: 'amazonaws.com',
    'aws-us-gov': 'amazonaws.com',
    'aws-cn': 'amazonaws.com.cn',
    'aws-eusc': 'amazonaws.eu',
    'aws-iso': 'c2s.ic.gov',
    'aws-iso-b': 'sc2s.sgov.gov',
    'aws-iso-e': 'cloud.adc-e.uk',
    'aws-iso-f': 'csp.hci.ic.gov',
  } as const;
  for (const [partition, domain] of Object.entries(expected))
    assert.equal(registryDomain(partition as keyof typeof expected), domain, partition);
});
