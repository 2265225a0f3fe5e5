// `doctor --kubelet` on matchImages (src/commands/doctor/kubelet-match-images.ts): the sample host of each form the
// host table serves, and AWS's stock EKS config judged by what the node's partition can pull.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubeletChecks } from '../../../src/commands/doctor/kubelet';
import { formSamples, regionPartition, sampleHosts } from '../../../src/commands/doctor/kubelet-match-images';
import type { Check } from '../../../src/commands/command-io';
import { settings, configWith, find } from './kubelet-fixture';

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
