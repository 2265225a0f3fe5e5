// `doctor --kubelet`'s checks, one broken config at a time: each problem gives its own status and message.
// (test/e2e/kubelet/doctor.test.ts runs the same checks through the built executable on a good and a broken config.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubeletChecks } from '../../../src/commands/doctor/kubelet';
import { parseGoDuration } from '../../../src/kubelet/go-duration';
import { kubeletProviderConfig } from '../../../src/commands/kubelet-config';
import { tempDir } from '../../support/temp';
import { shellWords } from '../../support/shell';
import { settings, configWith, find } from './kubelet-fixture';

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
