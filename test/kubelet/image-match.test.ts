// src/kubelet/image-match.ts (what `doctor --kubelet` uses) against the independent implementation of the
// kubelet's rules in test/support/kubelet-match.ts, on the cases that matter for matchImages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageMatches } from '../../src/kubelet/image-match';
import { keyMatchesImage } from '../support/kubelet-match';

const patterns = [
  '*.dkr.ecr.*.amazonaws.com',
  '*.dkr.ecr.*.amazonaws.cn',
  '*.dkr.ecr.*.amazonaws.com.cn',
  'public.ecr.aws',
  'ecr-public.aws.com',
  '*.dkr-ecr.*.on.aws',
  '123456789012.dkr.ecr.us-east-1.amazonaws.com',
  '*.io',
  '*.registry.io',
  'registry.io:5000',
  'registry.io/team',
  'https://public.ecr.aws',
  'a*.dkr.ecr.*.amazonaws.com',
  '[0-9]*.dkr.ecr.*.amazonaws.com',
  '*.example.com',
  'images.example.com',
];
const images = [
  '123456789012.dkr.ecr.us-east-1.amazonaws.com/app',
  '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app',
  'public.ecr.aws/docker/library/alpine',
  'ecr-public.aws.com/x',
  '123456789012.dkr-ecr.eu-west-1.on.aws/a',
  'a.b.io/x',
  'b.io/x',
  'registry.io/team/app',
  'registry.io/other',
  'registry.io:5000/x',
  'foo.registry.io/x',
  '123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example/x',
  'images.example.com/a',
  'abc.dkr.ecr.us-east-1.amazonaws.com/x',
  '123456789012.dkr.ecr.us-east-1.amazonaws.com:443/app',
  'docker.io/library/nginx',
];

test('imageMatches agrees with the kubelet rules on every pattern x image', () => {
  let matched = 0;
  for (const pattern of patterns)
    for (const image of images) {
      const expected = keyMatchesImage(pattern, image);
      assert.equal(imageMatches(pattern, image), expected, `${pattern} vs ${image}`);
      if (expected) matched++;
    }
  assert.ok(matched > 10, `only ${matched} matching pairs: the cases test too little`);
});
