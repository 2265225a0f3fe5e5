// hintForUnservedHost() (src/registry/hints.ts): the hints for hosts that look like a mistyped ECR address, and
// none for the hosts served or for unrelated registries.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hintForUnservedHost } from '../../src/registry/hints';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

describe('hints for hosts that look like a mistyped ECR address', () => {
  const CASES: Array<[string, RegExp | undefined]> = [
    [
      '123456789012.dkr.ecr-public.us-east-1.amazonaws.com',
      /ECR Public images are pulled from public\.ecr\.aws\/<alias>\/<repo>/,
    ],
    ['ecr-public.us-east-1.amazonaws.com', /pulled from public\.ecr\.aws/],
    ['public.ecr.aws.com', /^public\.ecr\.aws\.com is not an ECR address; did you mean public\.ecr\.aws\?$/],
    ['123456789012.ecr.us-east-1.amazonaws.com', /did you mean 123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\?$/],
    [
      '123456789012.dkr.ecr.useast-1.amazonaws.com',
      /did you mean 123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\?$/,
    ],
    [
      '123456789012.dkr.ecr.eu-west1.amazonaws.com',
      /did you mean 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\?$/,
    ],
    [
      '123456789012.dkr.ecr-fips.useast-1.amazonaws.com',
      /did you mean 123456789012\.dkr\.ecr-fips\.us-east-1\.amazonaws\.com\?$/,
    ],
    ['123456789012.dkr.ecr.useast-1.amazonaws.com.cn', /did you mean|not an AWS region/],
    ['12345678901.dkr.ecr.us-east-1.amazonaws.com', /account ID must have 12 digits \(it has 11\)/],
    ['1234567890123.dkr.ecr.us-east-1.amazonaws.com', /it has 13/],
    ['123456789012.dkr.ecr.us-east-1.amazonaws.co', /expected <account>\.dkr\.ecr\.<region>\.amazonaws\.com/],
    [`https://${HOST}.evil.example/v2/`, /expected <account>\.dkr\.ecr\.<region>\.amazonaws\.com/],
    // dkr-ecr is the dual-stack service, whose hosts end in .on.aws: the IPv4 host is the likelier meaning.
    [
      '123456789012.dkr-ecr.us-east-1.amazonaws.com',
      /did you mean 123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\?$/,
    ],
    ['mirror.public.ecr.aws', /exactly public\.ecr\.aws/],
    ['public.ecr.aws.evil.example', /did you mean public\.ecr\.aws\?$/],
    ['ecr.dkr.ecr.us-east-1.amazonaws.com', /12-digit account/],
    // Served hosts (even refused for plain http) and unrelated registries get no hint.
    [HOST, undefined],
    [`http://${HOST}`, undefined],
    ['public.ecr.aws', undefined],
    ['ghcr.io', undefined],
    ['index.docker.io', undefined],
    ['not a host', undefined],
  ];
  for (const [input, expected] of CASES) {
    test(input, () => {
      const hint = hintForUnservedHost(input);
      if (expected === undefined) assert.equal(hint, undefined);
      else assert.match(hint ?? '', expected);
    });
  }
});
