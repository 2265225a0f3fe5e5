// The command line itself: version and usage, and the options and arguments each command refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInProcess } from '../support/run-cli';
import { environment } from './cli-env';

test('version, --version, and usage', async () => {
  for (const flag of ['version', '--version']) {
    const result = await runInProcess([flag], { env: environment() });
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^docker-credential-ecr \d+\.\d+\.\d+\n$/);
  }
  const refusals: [string[], RegExp][] = [
    [[], /^docker-credential-ecr: no command given\n\nUsage: docker-credential-ecr COMMAND \[OPTION\]\.\.\./],
    [
      ['frobnicate'],
      /^docker-credential-ecr: unknown command "frobnicate"\nRun `docker-credential-ecr help` for the list of commands\.\n$/,
    ],
    [['explain'], /^docker-credential-ecr: unknown command "explain"\n/],
    [
      ['confgure'],
      /^docker-credential-ecr: unknown command "confgure"; did you mean `docker-credential-ecr configure`\?\n/,
    ],
    [
      ['help', 'docter'],
      /^docker-credential-ecr: unknown command "docter"; did you mean `docker-credential-ecr doctor`\?\n/,
    ],
    [
      ['get', 'extra'],
      /^docker-credential-ecr: get takes no arguments \(Docker runs it with exactly one: the action\); see `docker-credential-ecr help get`\n$/,
    ],
  ];
  for (const [argv, message] of refusals) {
    const result = await runInProcess(argv, { env: environment() });
    assert.equal(result.code, 1, argv.join(' '));
    assert.equal(result.stdout, '');
    assert.match(result.stderr, message, argv.join(' '));
  }
});

test('doctor and configure refuse an unknown option, pointing to their help, exit 1', async () => {
  for (const [command, message] of [
    ['doctor', /^docker-credential-ecr: doctor: unknown option --bogus; see `docker-credential-ecr doctor --help`\n$/],
    [
      'configure',
      /^docker-credential-ecr: configure: unknown option --bogus; see `docker-credential-ecr configure --help`\n$/,
    ],
  ] as const) {
    const result = await runInProcess([command, '--bogus'], { env: environment() });
    assert.equal(result.code, 1, command);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, message);
  }
});

test('doctor --kubelet and kubelet-config refuse arguments they cannot use, naming them, exit 1', async () => {
  const cases: [string[], RegExp][] = [
    [
      ['doctor', '--bin-dir', '/bin'],
      /^docker-credential-ecr: doctor: --bin-dir goes with --kubelet FILE; see `docker-credential-ecr doctor --help`\n$/,
    ],
    [
      ['doctor', '--kubelet', '/etc/k.json', 'public.ecr.aws'],
      /^docker-credential-ecr: doctor: --kubelet checks the kubelet config only; check hosts in a separate run; see/,
    ],
    [['doctor', '--kubelet'], /^docker-credential-ecr: doctor: --kubelet needs a value; see/],
    [
      ['kubelet-config', '--name'],
      /^docker-credential-ecr: kubelet-config: --name needs a value; see `docker-credential-ecr kubelet-config --help`\n$/,
    ],
    [
      ['kubelet-config', '--bogus'],
      /^docker-credential-ecr: kubelet-config: unknown option --bogus; see `docker-credential-ecr kubelet-config --help`\n$/,
    ],
    [
      ['kubelet-config', '--node-config', 'etc/x.json'],
      /^docker-credential-ecr: kubelet-config: --node-config etc\/x\.json must be an absolute path/,
    ],
    [
      ['kubelet-config', '--name', 'bin/ecr'],
      /^docker-credential-ecr: kubelet-config: --name bin\/ecr must be a file name \(no "\/"\)\n$/,
    ],
  ];
  for (const [argv, message] of cases) {
    const result = await runInProcess(argv, { env: environment() });
    assert.equal(result.code, 1, argv.join(' '));
    assert.equal(result.stdout, '', argv.join(' '));
    assert.match(result.stderr, message);
  }
});

test('kubelet-config with a broken config file: the file and line, exit 1, nothing on stdout', async () => {
  const env = environment();
  const config = join(env.HOME, 'config.json');
  writeFileSync(config, '{\n  "registries": {\n    "images.example.com": { "target": "not-an-ecr-host" }\n  }\n}\n');
  const result = await runInProcess(['kubelet-config'], { env: { ...env, DOCKER_CREDENTIAL_ECR_CONFIG: config } });
  assert.equal(result.code, 1);
  assert.equal(result.stdout, '');
  assert.match(
    result.stderr,
    new RegExp(`^docker-credential-ecr: kubelet-config: ${config.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3: .*target`),
  );
});
