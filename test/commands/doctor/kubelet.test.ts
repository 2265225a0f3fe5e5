// `doctor --kubelet`'s checks, one broken config at a time: each problem gives its own status and message.
// (test/e2e/kubelet/doctor.test.ts runs the same checks through the built executable on a good and a broken config.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubeletChecks } from '../../../src/commands/doctor/kubelet';
import { formSamples, regionPartition, sampleHosts } from '../../../src/commands/doctor/kubelet-match-images';
import { parseGoDuration } from '../../../src/kubelet/go-duration';
import { kubeletProviderConfig } from '../../../src/commands/kubelet-config';
import type { Check } from '../../../src/commands/command-io';
import { readSettings } from '../../../src/platform/settings';
import { tempDir } from '../../support/temp';
import { shellWords } from '../../support/shell';

const settings = readSettings({ HOME: '/nonexistent' }, () => undefined);

/** A good config (as kubelet-config writes it) with `change` applied to its one provider. */
function configWith(change: (provider: Record<string, unknown>) => void, doc?: Record<string, unknown>): string {
  const config =
    doc ?? kubeletProviderConfig({ name: 'ecr-credential-provider', serviceAccountRoles: true, config: undefined });
  change((config.providers as Record<string, unknown>[])[0]);
  const file = join(tempDir(), 'config.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

function find(checks: Check[], status: Check['status'], pattern: RegExp): Check {
  const found = checks.find((c) => c.status === status && pattern.test(c.message));
  assert.ok(
    found,
    `no ${status} check matching ${pattern} in:\n${checks.map((c) => `${c.status} ${c.message}`).join('\n')}`,
  );
  return found;
}

test('a good config: nothing fails', () => {
  const checks = kubeletChecks(
    configWith(() => undefined),
    undefined,
    settings,
  );
  // Without --bin-dir the provider is recognised by its name only: said as a warning.
  find(
    checks,
    'warn',
    /provider ecr-credential-provider is named like this helper \(give --bin-dir to check the file\)/,
  );
  assert.deepEqual(checks.filter((c) => c.status !== 'ok').length, 1);
  find(
    checks,
    'ok',
    /matchImages cover every ECR host form of partition aws \(no region is set: AWS_REGION; judged as a commercial-region node\) \(6 forms, every region\)/,
  );
  find(
    checks,
    'ok',
    /tokenAttributes: audience sts\.amazonaws\.com, cacheType ServiceAccount, role from eks\.amazonaws\.com\/ecr-role-arn or eks\.amazonaws\.com\/role-arn/,
  );
});

test('a file that is not a CredentialProviderConfig', () => {
  const dir = tempDir();
  const wrong = join(dir, 'wrong.yaml');
  writeFileSync(wrong, 'apiVersion: v1\nkind: Pod\n');
  const checks = kubeletChecks(wrong, undefined, settings);
  find(
    checks,
    'fail',
    /kind is "Pod", not "CredentialProviderConfig"; apiVersion "v1" is not one of .*; it has no providers list/,
  );
  find(checks, 'fail', /no provider in .* runs docker-credential-ecr/);
  const list = join(dir, 'list.yaml');
  writeFileSync(list, '- a\n- b\n');
  find(kubeletChecks(list, undefined, settings), 'fail', /not a CredentialProviderConfig \(not a YAML\/JSON object\)/);
  find(kubeletChecks(join(dir, 'absent.json'), undefined, settings), 'fail', /cannot read .*absent\.json: ENOENT/);
});

test('a directory of configs is read as the kubelet reads it: *.json, *.yaml, *.yml in order', () => {
  const dir = tempDir();
  writeFileSync(
    join(dir, '10-other.yaml'),
    'apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders: []\n',
  );
  writeFileSync(
    join(dir, '20-ecr.json'),
    JSON.stringify(
      kubeletProviderConfig({ name: 'ecr-credential-provider', serviceAccountRoles: false, config: undefined }),
    ),
  );
  writeFileSync(join(dir, 'README.txt'), 'not a config');
  const checks = kubeletChecks(dir, undefined, settings);
  assert.deepEqual(
    checks.filter((c) => c.name === 'kubelet-config').map((c) => c.message.replace(dir, 'DIR')),
    [
      'DIR/10-other.yaml: kubelet.config.k8s.io/v1 CredentialProviderConfig with 0 provider(s)',
      'DIR/20-ecr.json: kubelet.config.k8s.io/v1 CredentialProviderConfig with 1 provider(s)',
    ],
  );
});

test('the bin dir: missing, a file that is another plugin, a name with a slash', () => {
  const dir = tempDir();
  const bin = join(dir, 'bin');
  find(
    kubeletChecks(
      configWith(() => undefined),
      bin,
      settings,
    ),
    'fail',
    /bin dir .*bin is not a directory/,
  );
  mkdirSync(bin);
  const missing = find(
    kubeletChecks(
      configWith(() => undefined),
      bin,
      settings,
    ),
    'fail',
    /bin\/ecr-credential-provider does not exist or is not executable; the kubelet refuses to start/,
  );
  // The fix as a shell splits it: the destination is one word wherever the directory is.
  assert.deepEqual(shellWords(missing.fix!.replace(/^install the helper there: /, '')).slice(2), [
    join(bin, 'ecr-credential-provider'),
  ]);
  writeFileSync(join(bin, 'ecr-credential-provider'), '#!/bin/sh\necho "ecr-credential-provider v1.31.0"\n');
  chmodSync(join(bin, 'ecr-credential-provider'), 0o755);
  find(
    kubeletChecks(
      configWith(() => undefined),
      bin,
      settings,
    ),
    'warn',
    /is not docker-credential-ecr \(`ecr-credential-provider version` does not say so\): another plugin, e\.g\. AWS's/,
  );
  writeFileSync(join(bin, 'ecr-credential-provider'), '#!/bin/sh\necho "docker-credential-ecr 9.9.9"\n');
  find(
    kubeletChecks(
      configWith(() => undefined),
      bin,
      settings,
    ),
    'ok',
    /provider ecr-credential-provider is docker-credential-ecr; the kubelet runs it as `ecr-credential-provider`/,
  );
  find(
    kubeletChecks(
      configWith((p) => (p.name = 'bin/ecr')),
      bin,
      settings,
    ),
    'fail',
    /provider name "bin\/ecr" must be a file name in the bin dir \(no "\/"\)/,
  );
});

test('arguments, apiVersion and durations', () => {
  find(
    kubeletChecks(
      configWith((p) => (p.args = ['get'])),
      undefined,
      settings,
    ),
    'fail',
    /provider ecr-credential-provider: args \["get"\] do not select the kubelet mode/,
  );
  find(
    kubeletChecks(
      configWith((p) => (p.apiVersion = 'credentialprovider.kubelet.k8s.io/v2')),
      undefined,
      settings,
    ),
    'fail',
    /apiVersion "credentialprovider\.kubelet\.k8s\.io\/v2" is not one of/,
  );
  find(
    kubeletChecks(
      configWith((p) => delete p.defaultCacheDuration),
      undefined,
      settings,
    ),
    'fail',
    /defaultCacheDuration undefined is missing or not a Go duration/,
  );
  find(
    kubeletChecks(
      configWith((p) => (p.defaultCacheDuration = '1d')),
      undefined,
      settings,
    ),
    'fail',
    /defaultCacheDuration "1d" is missing or not a Go duration/,
  );
  find(
    kubeletChecks(
      configWith((p) => (p.defaultCacheDuration = '24h')),
      undefined,
      settings,
    ),
    'warn',
    /defaultCacheDuration 24h is longer than an ECR token lives \(12h\)/,
  );
  assert.deepEqual(['12h', '11h45m0s', '90s', '1.5h', '0', '1d', '', '12'].map(parseGoDuration), [
    43_200_000,
    42_300_000,
    90_000,
    5_400_000,
    0,
    undefined,
    undefined,
    undefined,
  ]);
});

test('tokenAttributes: each inconsistency on its own', () => {
  const attributes = (p: Record<string, unknown>) => p.tokenAttributes as Record<string, unknown>;
  find(
    kubeletChecks(
      configWith((p) => (p.tokenAttributes = 'yes')),
      undefined,
      settings,
    ),
    'fail',
    /tokenAttributes is not an object/,
  );
  find(
    kubeletChecks(
      configWith((p) => delete attributes(p).serviceAccountTokenAudience),
      undefined,
      settings,
    ),
    'fail',
    /tokenAttributes\.serviceAccountTokenAudience is required/,
  );
  find(
    kubeletChecks(
      configWith((p) => (attributes(p).serviceAccountTokenAudience = 'vault')),
      undefined,
      settings,
    ),
    'warn',
    /serviceAccountTokenAudience "vault": STS accepts it only if/,
  );
  find(
    kubeletChecks(
      configWith((p) => (attributes(p).requireServiceAccount = true)),
      undefined,
      settings,
    ),
    'warn',
    /requireServiceAccount: true: pulls without a pod/,
  );
  find(
    kubeletChecks(
      configWith((p) => delete attributes(p).optionalServiceAccountAnnotationKeys),
      undefined,
      settings,
    ),
    'warn',
    /no role annotation key listed .*only AWS_ECR_ROLE_ARN from the provider's env can name a role/,
  );
  find(
    kubeletChecks(
      configWith((p) => (attributes(p).requiredServiceAccountAnnotationKeys = ['eks.amazonaws.com/role-arn'])),
      undefined,
      settings,
    ),
    'warn',
    /eks\.amazonaws\.com\/role-arn required: pods whose service account lacks it get no credentials at all/,
  );
});

test('every sample host stands for a form the host table serves, one per form', () => {
  const samples = sampleHosts();
  assert.equal(samples.length, 20);
  assert.equal(new Set(samples.map((s) => s.host)).size, 20);
  assert.ok(samples.some((s) => s.host === '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn'));
});

/** AWS's stock EKS AMI config before dual-stack: the commercial forms, China, FIPS, and one region of two isolated partitions. */
const OLD_EKS_MATCH_IMAGES = [
  '*.dkr.ecr.*.amazonaws.com',
  '*.dkr.ecr.*.amazonaws.com.cn',
  '*.dkr.ecr-fips.*.amazonaws.com',
  '*.dkr.ecr.us-iso-east-1.c2s.ic.gov',
  '*.dkr.ecr.us-isob-east-1.sc2s.sgov.gov',
];

test("AWS's stock EKS config: judged by what the node's partition can pull, every region of it", () => {
  const file = configWith((p) => {
    p.matchImages = OLD_EKS_MATCH_IMAGES;
    delete p.tokenAttributes;
  });
  const at = (region: string): Check[] => kubeletChecks(file, undefined, settings, { region, source: 'AWS_REGION' });
  // A commercial node: no failure; the forms it lacks there are dual-stack and public (pulled without credentials).
  const commercial = at('eu-west-1');
  assert.equal(commercial.filter((c) => c.status === 'fail').length, 0, commercial.map((c) => c.message).join('\n'));
  find(
    commercial,
    'warn',
    /^matchImages miss \*\.dkr-ecr\.\*\.on\.aws, \*\.dkr-ecr-fips\.\*\.on\.aws, public\.ecr\.aws, ecr-public\.aws\.com of this node's partition aws \(region eu-west-1 from AWS_REGION\)/,
  );
  find(
    commercial,
    'ok',
    /forms of other partitions not \(fully\) in matchImages: .*aws-iso.*; this node's identity pulls only in aws$/,
  );
  // The one-region isolated patterns match hosts we serve: not "match nothing".
  assert.ok(!commercial.some((c) => /match no host/.test(c.message)), commercial.map((c) => c.message).join('\n'));
  // A node in another us-iso region: the plain form of its own partition is missing there, a real failure.
  const missing = find(
    at('us-iso-west-1'),
    'fail',
    /^matchImages miss \*\.dkr\.ecr\.\*\.c2s\.ic\.gov in us-iso-west-1, .* so private images in us-iso-west-1 fail to pull$/,
  );
  assert.match(missing.fix ?? '', /^add \*\.dkr\.ecr\.\*\.c2s\.ic\.gov, \*\.dkr\.ecr-fips\.\*\.c2s\.ic\.gov/);
  // In us-iso-east-1 its own region is covered; the partition's other region and FIPS are not: a warning.
  const iso = at('us-iso-east-1');
  assert.equal(iso.filter((c) => c.status === 'fail').length, 0);
  find(
    iso,
    'warn',
    /^matchImages miss \*\.dkr\.ecr\.\*\.c2s\.ic\.gov in us-iso-west-1, \*\.dkr\.ecr-fips\.\*\.c2s\.ic\.gov of this node's partition aws-iso/,
  );
  // China: covered by the .amazonaws.com.cn pattern; the one the kubernetes.io example writes matches nothing.
  find(at('cn-north-1'), 'warn', /^matchImages miss \*\.dkr\.ecr-fips\.\*\.amazonaws\.com\.cn/);
  const example = configWith((p) => (p.matchImages = ['*.dkr.ecr.*.amazonaws.cn']));
  find(
    kubeletChecks(example, undefined, settings, { region: 'cn-north-1', source: 'AWS_REGION' }),
    'fail',
    /^matchImages miss \*\.dkr\.ecr\.\*\.amazonaws\.com\.cn/,
  );
  find(
    kubeletChecks(example, undefined, settings),
    'warn',
    /^matchImages \*\.dkr\.ecr\.\*\.amazonaws\.cn match no host this helper serves, in any region/,
  );
});

test('every form has a sample host in every region of its partition, each one the host table serves', () => {
  const forms = formSamples();
  for (const form of forms) {
    assert.ok(form.hosts.length > 0, form.pattern);
    for (const { region } of form.hosts)
      assert.equal(regionPartition(region), form.partition, `${form.pattern} ${region}`);
  }
  const plain = forms.find((f) => f.pattern === '*.dkr.ecr.*.amazonaws.com' && f.partition === 'aws');
  assert.ok(
    plain &&
      plain.hosts.some((h) => h.region === 'ap-southeast-7') &&
      plain.hosts.every((h) => !h.region.startsWith('us-gov-')),
  );
  assert.ok(forms.some((f) => f.pattern === '*.dkr.ecr.*.amazonaws.com' && f.partition === 'aws-us-gov'));
});
