import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandInputs } from '../../src/identity/credential-process';

const env = { TEAM: 'a', PATH: '/usr/bin', HOME: '/home/u', STAGE: 'prod', PATHEXT: '.EXE' };

test('the variables a command line expands, in sh and cmd.exe forms', () => {
  assert.deepEqual(commandInputs('/opt/cp.sh $TEAM', env, '/w').variables, ['TEAM']);
  assert.deepEqual(commandInputs('/opt/cp.sh "${TEAM:-x}" --stage=${STAGE}', env, '/w').variables, ['STAGE', 'TEAM']);
  assert.deepEqual(commandInputs('C:\\tools\\cp.exe %TEAM%', env, '/w').variables, ['TEAM']);
  assert.deepEqual(
    commandInputs('/opt/cp.sh $1 $$ $?', env, '/w').variables,
    [],
    'special parameters name no variable',
  );
  const unset = commandInputs('/opt/cp.sh $NOPE', env, '/w');
  assert.equal(unset.material, JSON.stringify([[['NOPE', null]], null]), 'an unset variable is a value too');
});

test('PATH for a bare program, HOME for ~, the working directory for a relative path', () => {
  assert.deepEqual(commandInputs('aws-vault export --format=json dev', env, '/w').variables, ['PATH', 'PATHEXT']);
  assert.deepEqual(commandInputs('~/bin/cp.sh', env, '/w').variables, ['HOME']);
  const relative = commandInputs('./cp.sh', env, '/w');
  assert.equal(relative.workingDirectory, true);
  assert.match(relative.material, /"\/w"\]$/);
  assert.equal(commandInputs('bin/cp.sh', env, '/w').workingDirectory, true);
  assert.equal(commandInputs('"/opt/my tools/cp.sh" x', env, '/w').workingDirectory, false);
  assert.deepEqual(commandInputs('"/opt/my tools/cp.sh" x', env, '/w').variables, []);
  assert.equal(commandInputs('/opt/cp.sh', env, '/w').workingDirectory, false);
  // Leading assignments are not the program.
  assert.deepEqual(commandInputs('TEAM="$TEAM" cp.sh', env, '/w').variables, ['PATH', 'PATHEXT', 'TEAM']);
  assert.equal(commandInputs("A='x y' ./cp.sh", env, '/w').workingDirectory, true);
});

test('the material changes with a referenced value and not with any other', () => {
  const a = commandInputs('/opt/cp.sh $TEAM', env, '/w').material;
  assert.notEqual(commandInputs('/opt/cp.sh $TEAM', { ...env, TEAM: 'b' }, '/w').material, a);
  assert.equal(commandInputs('/opt/cp.sh $TEAM', { ...env, STAGE: 'dev' }, '/elsewhere').material, a);
});

test('a command line too involved to read is keyed on the whole environment and the working directory', () => {
  // Each of these reads TEAM (or PATH, or the directory) without naming it the way SH_VARIABLE sees.
  const opaque = [
    '/opt/cp.sh $(printenv TEAM)',
    '/opt/cp.sh `printenv TEAM`',
    '/opt/cp.sh "$(printenv TEAM)"',
    '/opt/cp.sh $((TEAMNO))',
    '/bin/sh -c "/opt/cp.sh"',
    '/usr/bin/env mycp',
    '(mycp)',
    '{ mycp; }',
    'mycp | tee /tmp/x',
    '/opt/cp.sh < input',
    '/opt/cp.sh "${TEAM:-$(id -un)}"',
  ];
  for (const command of opaque) {
    const inputs = commandInputs(command, env, '/w');
    assert.equal(inputs.workingDirectory, true, command);
    assert.deepEqual(inputs.variables, Object.keys(env).sort(), command);
    assert.notEqual(
      commandInputs(command, { ...env, UNRELATED: '1' }, '/w').material,
      inputs.material,
      `${command}: any variable counts`,
    );
    assert.notEqual(
      commandInputs(command, env, '/elsewhere').material,
      inputs.material,
      `${command}: the directory counts`,
    );
  }
  // ${NAME} and ${NAME:-word} stay readable.
  assert.equal(commandInputs('/opt/cp.sh "${TEAM:-x}"', env, '/w').workingDirectory, false);
});

test('an argument shaped like a relative path keys on the working directory; words and options do not', () => {
  assert.equal(commandInputs('/bin/cat creds.json', env, '/w').workingDirectory, true);
  assert.equal(commandInputs('/opt/cp.sh conf/team', env, '/w').workingDirectory, true);
  assert.equal(commandInputs('aws-vault export --format=json dev', env, '/w').workingDirectory, false);
  assert.equal(
    commandInputs('/opt/cp.sh --config=/etc/cp.json https://sso.example.com', env, '/w').workingDirectory,
    false,
  );
});
