// The help texts and the man page say the same things: every command, every option a command's help lists and
// every environment variable of the overview is in docs/docker-credential-ecr.1 (so it cannot drift), and the
// page is valid roff (groff renders it without a warning).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, ENVIRONMENT, nearestCommand, overview } from '../../src/commands/help';
import { findOnPath } from '../support/tools';

export const MAN_PAGE = join(__dirname, '..', '..', 'docs', 'docker-credential-ecr.1');
const page = readFileSync(MAN_PAGE, 'utf8');
/** The page as text, roff escapes undone: `\-\-registry` is `--registry`. */
const text = page.replace(/\\-/g, '-').replace(/\\f[BIRP]/g, '');

test('the man page documents every command, option and environment variable of the help texts', () => {
  for (const command of COMMANDS) {
    assert.match(text, new RegExp(`^\\.B ${command.name.replace(/-/g, '-')}\\b`, 'm'), `command ${command.name}`);
    for (const option of command.text.match(/(?<=^ {2})--[a-z-]+/gm) ?? [])
      assert.ok(text.includes(option), `${command.name} ${option}`);
  }
  for (const [names] of ENVIRONMENT) for (const name of names.split(', ')) assert.ok(text.includes(name), name);
  // The two errors this project exists for, in the words Docker prints.
  assert.ok(text.includes('denied: Your authorization token has expired. Reauthenticate and try again.'));
  assert.ok(text.includes('no basic auth credentials'));
});

test('the man page renders without a warning', () => {
  const groff = findOnPath('groff');
  assert.ok(groff, 'groff is not on PATH (Debian package groff-base)');
  const result = spawnSync(groff, ['-man', '-Tutf8', '-ww', '-z', MAN_PAGE], { encoding: 'utf8' });
  assert.equal(result.status, 0);
  assert.equal(result.stderr, '');
});

test('the overview lists every command and variable; a mistyped command finds the right one', () => {
  const text = overview();
  for (const command of COMMANDS)
    assert.match(
      text,
      new RegExp(`^  ${command.name} +${command.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'),
    );
  for (const [names] of ENVIRONMENT) assert.ok(text.includes(names));
  assert.equal(nearestCommand('confgure'), 'configure');
  assert.equal(nearestCommand('doctr'), 'doctor');
  assert.equal(nearestCommand('kubelet-conf'), 'kubelet-config');
  assert.equal(nearestCommand('explain'), undefined);
  assert.equal(nearestCommand('login'), undefined);
});
