// The rule for "a command the docs show" (test/support/doc-commands.ts, CONTRIBUTING.md) on small pages, and the
// check that fails a run when a page shows a command no test ran: run as scripts/test.mjs runs it, on a copy of a
// page with one command added, against a log that lacks it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractCommands, shownCommands } from '../support/doc-commands';
import { tempDir } from '../support/temp';
import { NOT_COMMANDS, NOT_YET_RUN } from './doc-exemptions';
import { NOT_COMMAND_SPANS, REPO } from '../support/doc-run';

const PAGE = [
  '# A page', // 1
  '', // 2
  'Run `docker-credential-ecr version`; `docker login` names a command; `AWS_PROFILE` is no command.', // 3
  '', // 4
  '```sh', // 5
  '# a comment', // 6
  'docker-credential-ecr configure    # with a comment', // 7
  "echo '{}' \\", // 8
  '  | docker-credential-ecr get', // 9
  '```', // 10
  '', // 11
  '```', // 12
  '$ docker-credential-ecr doctor', // 13
  'ok    all good', // 14
  '```', // 15
  '', // 16
  '| Where | Command |', // 17
  '|---|---|', // 18
  '| `docker` here | `a \\| b HOST` then `PATH` |', // 19
  '', // 20
  '```json', // 21
  '{ "not": "a command" }', // 22
  '```', // 23
  '', // 24
  '```bat', // 25
  'copy a b', // 26
  '```', // 27
  '', // 28
  'A span across lines: `docker-credential-ecr', // 29
  '  help configure`.', // 30
  '', // 31
  '```sh', // 32
  "sudo tee /etc/x.conf <<'EOF_X'", // 33
  '[section]', // 34
  'EOF_X', // 35
  'docker-credential-ecr version', // 36
  '```', // 37
].join('\n');

test('the rule: shell blocks, $ lines with their output, Command cells, program spans; nothing else', () => {
  const found = extractCommands('docs/x.md', PAGE, new Set(['docker login']));
  assert.deepEqual(
    found.map((c) => [c.line, c.kind, c.shell, c.text]),
    [
      [3, 'inline', 'sh', 'docker-credential-ecr version'],
      [7, 'block', 'sh', 'docker-credential-ecr configure    # with a comment'],
      [8, 'block', 'sh', "echo '{}' \\\n  | docker-credential-ecr get"],
      [13, 'prompt', 'sh', 'docker-credential-ecr doctor'],
      [19, 'table', 'sh', 'a | b HOST'],
      [26, 'block', 'cmd', 'copy a b'],
      [29, 'inline', 'sh', 'docker-credential-ecr help configure'],
      [33, 'block', 'sh', "sudo tee /etc/x.conf <<'EOF_X'\n[section]\nEOF_X"],
      [36, 'block', 'sh', 'docker-credential-ecr version'],
    ],
  );
  assert.deepEqual(found.find((c) => c.kind === 'prompt')?.output, ['ok    all good']);
});

test('a here-document is part of the command that opens it, up to its delimiter line; a here-string is not one', () => {
  const page = [
    '```sh',
    "sudo tee /etc/x.repo <<'EOF_X'",
    '[x]',
    '# not a comment here',
    'EOF_X',
    'cat <<<word',
    'echo after',
    '```',
  ].join('\n');
  assert.deepEqual(
    extractCommands('docs/x.md', page).map((c) => [c.line, c.text]),
    [
      [2, "sudo tee /etc/x.repo <<'EOF_X'\n[x]\n# not a comment here\nEOF_X"],
      [6, 'cat <<<word'],
      [7, 'echo after'],
    ],
  );
});

test('every span listed as naming a command still appears in the docs (the list cannot go stale)', () => {
  const all = shownCommands(REPO).map((c) => c.text);
  for (const span of Object.keys(NOT_COMMANDS))
    assert.ok(
      all.includes(span),
      `test/docs/doc-exemptions.ts NOT_COMMANDS: ${JSON.stringify(span)} is in no page any more; remove it`,
    );
});

/** The check as scripts/test.mjs runs it, on root's README.md and docs/, against a log of what ran. */
function check(root: string, ran: { text: string; shell?: string }[]): { code: number | null; out: string } {
  const log = join(root, 'log');
  mkdirSync(log, { recursive: true });
  writeFileSync(
    join(log, '1.jsonl'),
    ran.map((r) => `${JSON.stringify({ shell: 'sh', file: 'x', line: 1, by: 'x', standIns: [], ...r })}\n`).join(''),
  );
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'test/docs/doc-coverage-check.ts'), log, root], {
    encoding: 'utf8',
    cwd: REPO,
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

test('the check fails, naming file and line, when a page shows a command that no test ran', () => {
  const root = tempDir('dce-doc-check-');
  mkdirSync(join(root, 'docs'));
  writeFileSync(join(root, 'README.md'), '# R\n\n```sh\ndocker-credential-ecr version\n```\n');
  writeFileSync(
    join(root, 'docs', 'cache.md'),
    '# C\n\nClear it with `docker-credential-ecr erase-everything --now`.\n',
  );
  // Every exception of the real list must still match something: each text goes on its page in a shell block.
  for (const e of NOT_YET_RUN.filter((x) => x.text !== undefined)) {
    mkdirSync(join(root, e.file, '..'), { recursive: true });
    writeFileSync(join(root, e.file), `\n\`\`\`sh\n${e.text!}\n\`\`\`\n`, { flag: 'a' });
  }
  const failing = check(root, [{ text: 'docker-credential-ecr version' }]);
  assert.equal(failing.code, 1, failing.out);
  assert.match(
    failing.out,
    /docs\/cache\.md:3: shown \(inline\) and run by no test: docker-credential-ecr erase-everything --now/,
  );
  assert.doesNotMatch(failing.out, /README\.md:4:/);
  const passing = check(root, [
    { text: 'docker-credential-ecr version' },
    { text: 'docker-credential-ecr erase-everything --now' },
  ]);
  assert.equal(passing.code, 0, passing.out);
  assert.match(passing.out, /run by tests/);
});

test('an exception that matches no shown command fails the check', () => {
  const root = tempDir('dce-doc-check-');
  writeFileSync(join(root, 'README.md'), '# R\n\n```sh\ndocker-credential-ecr version\n```\n');
  const r = check(root, [{ text: 'docker-credential-ecr version' }]);
  assert.equal(r.code, 1, r.out);
  assert.match(
    r.out,
    /test\/docs\/doc-exemptions\.ts: the exception for README\.md: npm test matches no command shown; remove it/,
  );
});

test('NOT_COMMAND_SPANS is the list the check uses', () => {
  assert.deepEqual([...NOT_COMMAND_SPANS].sort(), Object.keys(NOT_COMMANDS).sort());
});
