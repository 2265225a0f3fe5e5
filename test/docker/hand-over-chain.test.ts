// The hand-over's bound read from a /proc of our making: which ancestors count as this helper running a protocol
// action, and that an odd /proc (another user's process, a loop, a process gone) ends the walk without a verdict.
// The real thing, with the built executable and `env -i`, is test/e2e/hand-over-chain.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HANDED_OVER_ENV, RESTARTED_BY_ENV, insideOwnHandOver } from '../../src/docker/hand-over-chain';
import { tempDir } from '../support/temp';

interface FakeProcess {
  pid: number;
  ppid: number;
  args: string[];
  /** The executable, or undefined for a process whose exe link cannot be followed (another user's). */
  exe?: string;
  /** Its working directory, for a script named by a relative path. */
  cwd?: string;
}

/** A /proc with `self` running `selfExe` (with `selfArgs`, if given) and the given processes; our parent is process.ppid. */
function fakeProc(selfExe: string, processes: FakeProcess[], selfArgs?: string[]): string {
  const root = tempDir('dce-proc-');
  mkdirSync(join(root, 'self'));
  symlinkSync(selfExe, join(root, 'self', 'exe'));
  if (selfArgs) writeFileSync(join(root, 'self', 'cmdline'), `${selfArgs.join('\0')}\0`);
  for (const p of processes) {
    const dir = join(root, String(p.pid));
    mkdirSync(dir);
    writeFileSync(join(dir, 'stat'), `${p.pid} (a (b) c) S ${p.ppid} 1 1 0 -1\n`);
    writeFileSync(join(dir, 'cmdline'), `${p.args.join('\0')}\0`);
    symlinkSync(p.exe ?? join(root, 'no-such-file'), join(dir, 'exe'));
    if (p.cwd) symlinkSync(p.cwd, join(dir, 'cwd'));
  }
  return root;
}

function executables(): { ours: string; copy: string; other: string } {
  const dir = tempDir('dce-exe-');
  const body = Buffer.alloc(200 * 1024, 7);
  for (const name of ['ours', 'copy']) writeFileSync(join(dir, name), body);
  writeFileSync(join(dir, 'other'), Buffer.alloc(200 * 1024, 8));
  return { ours: join(dir, 'ours'), copy: join(dir, 'copy'), other: join(dir, 'other') };
}

const parent = process.ppid;

test('an ancestor that is this executable (or a byte-identical copy) running a protocol action is a hand-over of ours', () => {
  const exe = executables();
  const chain = (top: FakeProcess): FakeProcess[] => [
    { pid: parent, ppid: 500, args: ['/bin/sh', '/usr/bin/docker-credential-wipe', 'get'], exe: exe.other },
    top,
  ];
  const same = fakeProc(exe.ours, chain({ pid: 500, ppid: 1, args: ['docker-credential-ecr', 'get'], exe: exe.ours }));
  assert.equal(insideOwnHandOver({}, same), "process 500 up this one's ancestry is this helper running get");
  const copy = fakeProc(
    exe.ours,
    chain({ pid: 500, ppid: 1, args: ['/opt/docker-credential-copy', 'store'], exe: exe.copy }),
  );
  assert.match(insideOwnHandOver({}, copy) ?? '', /process 500 .* running store/);
});

test('other ancestors are not: another program, our executable doing something else, a process we may not look into', () => {
  const exe = executables();
  for (const top of [
    { pid: 500, ppid: 1, args: ['dockerd', 'get'], exe: exe.other },
    { pid: 500, ppid: 1, args: ['docker-credential-ecr', 'doctor'], exe: exe.ours },
    { pid: 500, ppid: 1, args: ['docker-credential-ecr', 'get', 'extra'], exe: exe.ours },
    { pid: 500, ppid: 1, args: ['docker-credential-ecr', 'get'] },
  ]) {
    const root = fakeProc(exe.ours, [{ pid: parent, ppid: 500, args: ['sh'], exe: exe.other }, top]);
    assert.equal(insideOwnHandOver({}, root), undefined, JSON.stringify(top.args));
  }
});

test('a loop in the ancestry, a process gone mid-walk, or no /proc at all: no verdict, and no hang', () => {
  const exe = executables();
  const loop = fakeProc(exe.ours, [
    { pid: parent, ppid: 600, args: ['sh'], exe: exe.other },
    { pid: 600, ppid: parent, args: ['sh'], exe: exe.other },
  ]);
  assert.equal(insideOwnHandOver({}, loop), undefined);
  const gone = fakeProc(exe.ours, [{ pid: parent, ppid: 700, args: ['sh'], exe: exe.other }]);
  assert.equal(insideOwnHandOver({}, gone), undefined);
  assert.equal(insideOwnHandOver({}, join(tempDir('dce-noproc-'), 'proc')), undefined);
  // The variable still counts everywhere.
  assert.equal(
    insideOwnHandOver({ [HANDED_OVER_ENV]: '1' }, join(tempDir('dce-noproc-'), 'proc')),
    `${HANDED_OVER_ENV} is set`,
  );
});

/** The npm package's files: a runtime (`node`), the launcher script, npm's link to it, and another script. */
function npmInstall(): { node: string; launcher: string; link: string; dir: string; otherScript: string } {
  const exe = executables();
  const dir = tempDir('dce-npm-');
  mkdirSync(join(dir, 'lib', 'bin'), { recursive: true });
  writeFileSync(join(dir, 'lib', 'bin', 'docker-credential-ecr.js'), '// launcher\n');
  mkdirSync(join(dir, 'bin'));
  symlinkSync(join(dir, 'lib', 'bin', 'docker-credential-ecr.js'), join(dir, 'bin', 'docker-credential-ecr'));
  writeFileSync(join(dir, 'other.js'), '// another program\n');
  return {
    node: exe.ours,
    launcher: join(dir, 'lib', 'bin', 'docker-credential-ecr.js'),
    link: join(dir, 'bin', 'docker-credential-ecr'),
    dir,
    otherScript: join(dir, 'other.js'),
  };
}

test('run as the npm package (node <launcher> get): an ancestor running the same script with the same runtime is a hand-over of ours', () => {
  const npm = npmInstall();
  const self = ['node', npm.launcher, 'get'];
  const wrapper = (ppid: number): FakeProcess => ({
    pid: parent,
    ppid,
    args: ['/bin/sh', '/usr/bin/docker-credential-wipe', 'get'],
    exe: executables().other,
  });
  // npm's link on PATH, as the kernel runs a `#!/usr/bin/env node` script
  const viaLink = fakeProc(
    npm.node,
    [wrapper(500), { pid: 500, ppid: 1, args: ['node', npm.link, 'get'], exe: npm.node }],
    self,
  );
  assert.equal(insideOwnHandOver({}, viaLink), "process 500 up this one's ancestry is this helper running get");
  // a relative path, from that process's own working directory
  const relative = fakeProc(
    npm.node,
    [
      wrapper(500),
      { pid: 500, ppid: 1, args: ['node', 'bin/docker-credential-ecr', 'store'], exe: npm.node, cwd: npm.dir },
    ],
    self,
  );
  assert.match(insideOwnHandOver({}, relative) ?? '', /process 500 .* running store/);
  // Node running something else, or our script doing something else, is not us
  for (const top of [
    { pid: 500, ppid: 1, args: ['node', npm.otherScript, 'get'], exe: npm.node },
    { pid: 500, ppid: 1, args: ['node', npm.launcher, 'doctor'], exe: npm.node },
    { pid: 500, ppid: 1, args: ['node', npm.launcher, 'get'], exe: executables().other },
  ]) {
    assert.equal(
      insideOwnHandOver({}, fakeProc(npm.node, [wrapper(500), top], self)),
      undefined,
      JSON.stringify(top.args),
    );
  }
});

test("the launcher's own restart (Node started again without NODE_DEBUG and the like) is not a hand-over; one further up still is", () => {
  const npm = npmInstall();
  const self = ['node', npm.launcher, 'get'];
  const launcher = { pid: parent, ppid: 1, args: ['node', npm.link, 'get'], exe: npm.node };
  assert.equal(
    insideOwnHandOver({ [RESTARTED_BY_ENV]: String(parent) }, fakeProc(npm.node, [launcher], self)),
    undefined,
  );
  // The mark names the parent only: the same process further up, or a mark for another pid, counts as before.
  assert.match(
    insideOwnHandOver({ [RESTARTED_BY_ENV]: '999' }, fakeProc(npm.node, [launcher], self)) ?? '',
    /process \d+ up this one's ancestry/,
  );
  const chain = fakeProc(
    npm.node,
    [
      { ...launcher, ppid: 600 },
      { pid: 600, ppid: 700, args: ['/bin/sh', '/usr/bin/docker-credential-wipe', 'get'], exe: executables().other },
      { pid: 700, ppid: 1, args: ['node', npm.launcher, 'get'], exe: npm.node },
    ],
    self,
  );
  assert.equal(
    insideOwnHandOver({ [RESTARTED_BY_ENV]: String(parent) }, chain),
    "process 700 up this one's ancestry is this helper running get",
  );
});
