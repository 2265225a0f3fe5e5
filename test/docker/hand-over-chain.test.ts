// The hand-over's bound read from a /proc of our making: which ancestors count as this helper running a protocol
// action, and that an odd /proc (another user's process, a loop, a process gone) ends the walk without a verdict.
// The real thing, with the built executable and `env -i`, is test/e2e/hand-over-chain.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HANDED_OVER_ENV, insideOwnHandOver } from '../../src/docker/hand-over-chain';
import { tempDir } from '../support/temp';

interface FakeProcess {
  pid: number;
  ppid: number;
  args: string[];
  /** The executable, or undefined for a process whose exe link cannot be followed (another user's). */
  exe?: string;
}

/** A /proc with `self` running `selfExe` and the given processes; our parent is process.ppid. */
function fakeProc(selfExe: string, processes: FakeProcess[]): string {
  const root = tempDir('dce-proc-');
  mkdirSync(join(root, 'self'));
  symlinkSync(selfExe, join(root, 'self', 'exe'));
  for (const p of processes) {
    const dir = join(root, String(p.pid));
    mkdirSync(dir);
    writeFileSync(join(dir, 'stat'), `${p.pid} (a (b) c) S ${p.ppid} 1 1 0 -1\n`);
    writeFileSync(join(dir, 'cmdline'), `${p.args.join('\0')}\0`);
    symlinkSync(p.exe ?? join(root, 'no-such-file'), join(dir, 'exe'));
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
  const chain = (top: FakeProcess): FakeProcess[] => [{ pid: parent, ppid: 500, args: ['/bin/sh', '/usr/bin/docker-credential-wipe', 'get'], exe: exe.other }, top];
  const same = fakeProc(exe.ours, chain({ pid: 500, ppid: 1, args: ['docker-credential-ecr', 'get'], exe: exe.ours }));
  assert.equal(insideOwnHandOver({}, same), "process 500 up this one's ancestry is this helper running get");
  const copy = fakeProc(exe.ours, chain({ pid: 500, ppid: 1, args: ['/opt/docker-credential-copy', 'store'], exe: exe.copy }));
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
  assert.equal(insideOwnHandOver({ [HANDED_OVER_ENV]: '1' }, join(tempDir('dce-noproc-'), 'proc')), `${HANDED_OVER_ENV} is set`);
});
