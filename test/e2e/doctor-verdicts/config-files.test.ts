// Doctor's verdicts on the files it reads besides Docker's: a region name AWS does not have, a config.json that
// does not parse, and the kubelet's credential provider config on a stock EKS node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../../support/use-fake-aws';
import { EXECUTABLE, runExecutable } from '../../support/executable';
import { tempDir } from '../../support/temp';
import { ACCOUNT, apply, doctor, fixOf, HOST, line, machineOn, run } from './verdict-machine';

const fake = useFakeAws();
const machine = machineOn(fake);

test('a region that fits the pattern but is not one AWS has: a warning with the likely one, whose fix works', async () => {
  const typo = `${ACCOUNT}.dkr.ecr.eu-wst-1.amazonaws.com`;
  const m = machine({ credHelpers: { [typo]: 'ecr' } });
  const before = await doctor(m);
  const verdict = line(before, 'warn', /region eu-wst-1 is not one the AWS SDK knows; did you mean eu-west-1\?/);
  assert.equal(fixOf(verdict), `docker-credential-ecr configure --registry ${HOST}, and pull from that host`);
  await apply(m, fixOf(verdict).replace(', and pull from that host', ''));
  const after = await doctor(m, HOST);
  assert.equal(after.code, 0, after.stdout);
  line(after, 'ok', /token fetched from AWS now/);
});

test('a trailing comma in config.json in plain words, and a fix that says what to change', async () => {
  const m = machine(`{\n\t"credHelpers": {\n\t\t"${HOST}": "ecr",\n\t}\n}\n`);
  const result = await doctor(m);
  assert.equal(result.code, 1);
  const verdict = line(result, 'fail', /config\.json:3: not valid JSON/);
  assert.match(
    verdict,
    /config\.json:3: not valid JSON: a comma after the last entry, before "\}" \(JSON allows none there\) \(Docker cannot read it either\); fix: remove the "," at the end of line 3 of .+config\.json$/,
  );
  assert.doesNotMatch(verdict, /PropertyNameExpected|ValueExpected/);
  const configure = await run(m, ['configure']);
  assert.equal(configure.code, 1);
  assert.match(
    configure.stderr,
    /not valid JSON: a comma after the last entry.*; remove the "," at the end of line 3 of .*config\.json, then run configure again; nothing was changed/,
  );
  // The fix as said: the comma at the end of line 3 goes.
  const lines = readFileSync(m.dockerConfig, 'utf8').split('\n');
  lines[2] = lines[2].replace(/,$/, '');
  writeFileSync(m.dockerConfig, lines.join('\n'));
  const fixed = await doctor(m);
  assert.equal(fixed.code, 0, fixed.stdout);
  line(fixed, 'ok', /Docker config .*config\.json/);

  // The helper's own config file: the same plain words, and what to change, in its line.
  const helperConfig = join(m.home, 'helper.json');
  writeFileSync(helperConfig, `{\n  "registries": {\n    "images.example.com": { "target": "${HOST}" },\n  }\n}\n`);
  m.env.DOCKER_CREDENTIAL_ECR_CONFIG = helperConfig;
  const broken = await doctor(m);
  assert.equal(broken.code, 1);
  line(
    broken,
    'fail',
    /helper\.json:3: not valid JSON \(a comma after the last entry, before "\}" \(JSON allows none there\)\): remove the "," at the end of line 3; fix: edit /,
  );
  writeFileSync(helperConfig, readFileSync(helperConfig, 'utf8').replace('},\n', '}\n'));
  assert.equal((await doctor(m)).code, 0);
});

test("doctor --kubelet on AWS's stock EKS config: a commercial node passes; the fix for what it lacks works", async () => {
  const m = machine(undefined);
  const dir = tempDir();
  const stock = join(dir, 'config.json');
  const matchImages = [
    '*.dkr.ecr.*.amazonaws.com',
    '*.dkr.ecr.*.amazonaws.com.cn',
    '*.dkr.ecr-fips.*.amazonaws.com',
    '*.dkr.ecr.us-iso-east-1.c2s.ic.gov',
    '*.dkr.ecr.us-isob-east-1.sc2s.sgov.gov',
  ];
  const stockText = JSON.stringify({
    apiVersion: 'kubelet.config.k8s.io/v1',
    kind: 'CredentialProviderConfig',
    providers: [
      {
        name: 'ecr-credential-provider',
        matchImages,
        defaultCacheDuration: '12h',
        apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
      },
    ],
  });
  writeFileSync(stock, stockText);
  writeFileSync(join(dir, 'old.json'), stockText);
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync(EXECUTABLE, join(bin, 'ecr-credential-provider'));
  const before = await runExecutable(['doctor', '--kubelet', stock, '--bin-dir', bin], { env: m.env });
  assert.equal(before.code, 0, before.stdout);
  assert.doesNotMatch(before.stdout, /match no host/);
  const verdict = line(before, 'warn', /matchImages miss/);
  assert.match(
    verdict,
    /matchImages miss \*\.dkr-ecr\.\*\.on\.aws, \*\.dkr-ecr-fips\.\*\.on\.aws, public\.ecr\.aws, ecr-public\.aws\.com of this node's partition aws \(region eu-west-1 from AWS_REGION\)/,
  );
  // The fix: the forms kubelet-config lists.
  const generated = await runExecutable(['kubelet-config'], { env: m.env });
  writeFileSync(stock, generated.stdout);
  const after = await runExecutable(['doctor', '--kubelet', stock, '--bin-dir', bin], { env: m.env });
  assert.equal(after.code, 0);
  assert.match(after.stdout, /, 0 warnings, 0 failed\n$/);
  // A node in the isolated region the stock config does not name fails, as its pulls would.
  const iso = await runExecutable(['doctor', '--kubelet', join(dir, 'old.json'), '--bin-dir', bin], {
    env: { ...m.env, AWS_REGION: 'us-iso-west-1' },
  });
  assert.equal(iso.code, 1);
  line(
    iso,
    'fail',
    /matchImages miss \*\.dkr\.ecr\.\*\.c2s\.ic\.gov in us-iso-west-1, .*so private images in us-iso-west-1 fail to pull/,
  );
});
