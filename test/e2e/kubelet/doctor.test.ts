// doctor --kubelet through the built executable: a good config passes; a broken one fails with each problem named.
// (test/commands/doctor/kubelet.test.ts runs the same checks in process.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../../support/use-fake-aws';
import { EXECUTABLE, runExecutable } from '../../support/executable';
import { tempDir } from '../../support/temp';
import { envOn, HOST } from './provider';

const fake = useFakeAws();
const env = envOn(fake);

test('doctor --kubelet: a good config passes; a broken one fails with each problem named', async () => {
  const dir = tempDir();
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync(EXECUTABLE, join(bin, 'ecr-credential-provider'));
  const e = env();
  const good = join(dir, 'good.json');
  writeFileSync(good, (await runExecutable(['kubelet-config', '--service-account-roles'], { env: e })).stdout);
  const pass = await runExecutable(['doctor', '--kubelet', good, '--bin-dir', bin], { env: e });
  assert.equal(pass.code, 0, pass.stdout);
  assert.match(pass.stdout, /provider ecr-credential-provider is this executable/);
  assert.match(
    pass.stdout,
    /matchImages cover every ECR host form of partition aws \(no region is set: AWS_REGION; judged as a commercial-region node\) \(6 forms, every region\)/,
  );
  assert.match(pass.stdout, /, 0 failed\n$/);

  // The kubernetes.io example's China pattern, no public hosts, v1beta1 with tokenAttributes and no cacheType,
  // and a provider file that is not there.
  const broken = join(dir, 'broken.yaml');
  writeFileSync(
    broken,
    [
      'apiVersion: kubelet.config.k8s.io/v1',
      'kind: CredentialProviderConfig',
      'providers:',
      '  - name: docker-credential-ecr',
      '    matchImages: ["*.dkr.ecr.*.amazonaws.com", "*.dkr.ecr.*.amazonaws.cn"]',
      '    defaultCacheDuration: 12h',
      '    apiVersion: credentialprovider.kubelet.k8s.io/v1beta1',
      '    tokenAttributes:',
      '      serviceAccountTokenAudience: sts.amazonaws.com',
      '',
    ].join('\n'),
  );
  const missingFile = await runExecutable(['doctor', '--kubelet', broken, '--bin-dir', bin], { env: e });
  assert.equal(missingFile.code, 1);
  assert.match(
    missingFile.stdout,
    /fail  .*bin\/docker-credential-ecr does not exist or is not executable; the kubelet refuses to start/,
  );
  symlinkSync(EXECUTABLE, join(bin, 'docker-credential-ecr'));
  const fail = await runExecutable(['doctor', '--kubelet', broken, '--bin-dir', bin], { env: e });
  assert.equal(fail.code, 1);
  assert.match(
    fail.stdout,
    /fail  provider docker-credential-ecr: args \[\] do not select the kubelet mode; fix: args: \["kubelet-credential-provider"\]/,
  );
  assert.match(
    fail.stdout,
    /warn  matchImages miss .*public\.ecr\.aws.* private ones fail, public ones at a lower rate limit/,
  );
  assert.match(fail.stdout, /warn  matchImages \*\.dkr\.ecr\.\*\.amazonaws\.cn match no host this helper serves/);
  assert.match(fail.stdout, /fail  tokenAttributes need apiVersion credentialprovider\.kubelet\.k8s\.io\/v1/);
  assert.match(fail.stdout, /fail  tokenAttributes\.cacheType undefined must be ServiceAccount or Token/);

  // A custom host from the config file that the node's matchImages leave out.
  const helperConfig = join(dir, 'helper-config.json');
  writeFileSync(helperConfig, JSON.stringify({ registries: { 'images.example.com': { target: HOST } } }));
  const uncovered = await runExecutable(['doctor', '--kubelet', good, '--bin-dir', bin], {
    env: { ...e, DOCKER_CREDENTIAL_ECR_CONFIG: helperConfig },
  });
  assert.equal(uncovered.code, 0, uncovered.stdout);
  assert.match(
    uncovered.stdout,
    /warn  the config file's custom hosts images\.example\.com are not in matchImages; fix: add them/,
  );

  const unparsable = join(dir, 'bad.yaml');
  writeFileSync(unparsable, 'providers: [\n');
  const bad = await runExecutable(['doctor', '--kubelet', unparsable], { env: e });
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /fail  cannot read .*bad\.yaml/);
});
