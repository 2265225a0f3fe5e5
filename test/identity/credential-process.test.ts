import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandInputs } from '../../src/identity/credential-process';

const env = { TEAM: 'a', PATH: '/usr/bin', HOME: '/home/u', STAGE: 'prod', PATHEXT: '.EXE' };

test('the variables a command line expands, in sh and cmd.exe forms', () => {
  assert.deepEqual(commandInputs('/opt/cp.sh $TEAM', env, '/w').variables, ['TEAM']);
  assert.deepEqual(commandInputs('/opt/cp.sh "${TEAM:-x}" --stage=${STAGE}', env, '/w').variables, ['STAGE', 'TEAM']);
  assert.deepEqual(commandInputs('C:\\tools\\cp.exe %TEAM%', env, '/w').variables, ['TEAM']);
  assert.deepEqual(commandInputs('/opt/cp.sh $1 $$ $?', env, '/w').variables, [], 'special parameters name no variable');
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
