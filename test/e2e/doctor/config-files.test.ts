// doctor and the config files: a custom host from the helper config, and a Docker config and helper config that do
// not parse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../../support/use-fake-aws';
import { doctor, HOST, line, setupsOn } from './setup';

const fake = useFakeAws();
const { setup } = setupsOn(fake);

test('a custom host from the helper config: the entry, its target and identity are shown', async () => {
  const s = setup({ credHelpers: { 'registry.corp.example': 'ecr' } });
  const configFile = join(s.home, 'helper.json');
  writeFileSync(configFile, JSON.stringify({ registries: { 'registry.corp.example': { target: HOST } } }, null, 2));
  s.env.DOCKER_CREDENTIAL_ECR_CONFIG = configFile;
  const result = await doctor(s);
  assert.equal(result.code, 0, result.stdout);
  line(result, 'ok', /helper config .*helper\.json: 1 registry entry/);
  line(
    result,
    'ok',
    /registry\.corp\.example: entry "registry\.corp\.example" \(.*helper\.json:3\) stands for 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com; identity environment key/,
  );
  line(result, 'ok', /registry\.corp\.example: ECR API in eu-west-1 .*token fetched from AWS now/);
});

test('a Docker config and a helper config that do not parse: fail, naming file and line', async () => {
  const s = setup();
  writeFileSync(join(s.home, '.docker', 'config.json'), '{\n\t"credHelpers": {\n\t\t"x": "ecr",\n\t}\n}\n');
  const helperConfig = join(s.home, 'helper.json');
  writeFileSync(helperConfig, '{\n  "registries": {\n    "x": 1\n  }\n}\n');
  s.env.DOCKER_CREDENTIAL_ECR_CONFIG = helperConfig;
  const result = await doctor(s, HOST);
  assert.equal(result.code, 1);
  line(
    result,
    'fail',
    /config\.json:3: not valid JSON: a comma after the last entry, before "\}" \(JSON allows none there\).*; fix: remove the "," at the end of line 3 of /,
  );
  line(result, 'fail', /helper\.json:3: registry "x"/);
});
