// How the command line answers a person rather than Docker: get typed at a terminal, help for every command, and
// typos with suggestions that work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useFakeAws } from '../../support/use-fake-aws';
import { EXECUTABLE, runExecutable } from '../../support/executable';
import { shellCommand } from '../../support/shell';
import { ACCOUNT, doctor, esc, HOST, machineOn, onTerminal, run } from './verdict-machine';

const fake = useFakeAws();
const machine = machineOn(fake);

test('get typed at a terminal says what it waits for, once, on stderr; a pipe (Docker) hears nothing of it', async () => {
  const m = machine({ credHelpers: { 'public.ecr.aws': 'ecr' } });
  const session = await onTerminal(
    m.env,
    shellCommand([EXECUTABLE, 'get']),
    [[/reading a registry host on stdin/, 'public.ecr.aws']],
    '\x04',
  );
  assert.equal(session.code, 0, session.terminal);
  assert.equal(
    (
      session.terminal.match(
        /docker-credential-ecr get: reading a registry host on stdin, as Docker sends it \(type one and press Ctrl-D\); to check your setup, run `docker-credential-ecr doctor`/g,
      ) ?? []
    ).length,
    1,
  );
  assert.match(session.terminal, /\{"ServerURL":"public\.ecr\.aws","Username":"AWS","Secret":"/);
  const piped = await runExecutable(['get'], { stdin: 'public.ecr.aws', env: m.env });
  assert.equal(piped.code, 0);
  assert.equal(piped.stderr, '');
});

test('help for every command, in one style; unknown commands named, with a suggestion', async () => {
  const m = machine(undefined);
  const overview = await run(m, ['--help']);
  assert.equal(overview.code, 0);
  assert.match(overview.stdout, /^Usage: docker-credential-ecr COMMAND \[OPTION\]\.\.\.\n/);
  for (const name of [
    'configure',
    'doctor',
    'kubelet-config',
    'get',
    'store',
    'erase',
    'list',
    'kubelet-credential-provider',
    'version',
    'help',
  ]) {
    assert.match(overview.stdout, new RegExp(`^  ${esc(name)} +\\S`, 'm'), name);
    for (const argv of [
      ['help', name],
      [name, '--help'],
      [name, '-h'],
    ]) {
      const result = await run(m, argv);
      assert.equal(result.code, 0, argv.join(' '));
      assert.match(
        result.stdout,
        new RegExp(
          `^Usage: docker-credential-ecr ${esc(name)}( \\[OPTION\\]\\.\\.\\.( \\[HOST(\\|IMAGE)?\\]\\.\\.\\.)?| \\[COMMAND\\])?\n`,
        ),
        argv.join(' '),
      );
      if (/\[OPTION\]/.test(result.stdout))
        assert.match(result.stdout, /\nOptions:\n[\s\S]*  -h, --help +print this help\n/, argv.join(' '));
    }
  }
  // Commands that print their own help: `help NAME` is `NAME --help`.
  for (const name of ['login-password', 'dockerconfigjson', 'pull-secret']) {
    assert.match(overview.stdout, new RegExp(`^  ${name} +\\S`, 'm'), name);
    const viaHelp = await run(m, ['help', name]);
    assert.equal(viaHelp.code, 0, name);
    assert.match(viaHelp.stdout, new RegExp(`^Usage: docker-credential-ecr ${name} `));
    assert.equal(viaHelp.stdout, (await run(m, [name, '--help'])).stdout);
  }
  for (const variable of [
    'AWS_PROFILE',
    'HTTPS_PROXY',
    'AWS_CA_BUNDLE',
    'AWS_ECR_CACHE_DIR',
    'DOCKER_CREDENTIAL_ECR_CONFIG',
    'DOCKER_CREDENTIAL_ECR_LOG',
    'DOCKER_CREDENTIAL_ECR_TIMEOUT_MS',
    'DOCKER_CONFIG',
  ]) {
    assert.match(overview.stdout, new RegExp(variable), variable);
  }
  const explain = await run(m, ['explain']);
  assert.equal(explain.code, 1);
  assert.equal(
    explain.stderr,
    'docker-credential-ecr: unknown command "explain"\nRun `docker-credential-ecr help` for the list of commands.\n',
  );
  const typo = await run(m, ['docter']);
  assert.match(typo.stderr, /unknown command "docter"; did you mean `docker-credential-ecr doctor`\?/);
});

test('typos get the right suggestion, and the suggestion works', async () => {
  const m = machine({ credHelpers: { [HOST]: 'ecr' } });
  const cases: [string, string][] = [
    ['public.ecr.aws.com', 'public.ecr.aws'],
    [`${ACCOUNT}.ecr.eu-west-1.amazonaws.com`, HOST],
    [`${ACCOUNT}.dkr.ecr.euwest-1.amazonaws.com`, HOST],
    [`${ACCOUNT}.dkr.ecr.eu-west1.amazonaws.com`, HOST],
  ];
  for (const [typed, meant] of cases) {
    const result = await doctor(m, typed);
    assert.equal(result.code, 1, typed);
    assert.match(
      result.stdout,
      new RegExp(
        `^fail  ${esc(typed)} is not a registry this helper serves; fix: ${esc(typed)} is not an ECR address; did you mean ${esc(meant)}\\?$`,
        'm',
      ),
      typed,
    );
    const configure = await run(m, ['configure', '--registry', typed, '--dry-run']);
    assert.equal(configure.code, 1);
    assert.match(configure.stderr, new RegExp(`did you mean ${esc(meant)}\\?`));
    const corrected = await doctor(m, meant);
    assert.doesNotMatch(corrected.stdout, /is not a registry this helper serves/, meant);
  }
});
