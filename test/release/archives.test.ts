// The release archives (scripts/lib/archives.mjs) and the signature of checksums.txt (scripts/lib/sign.mjs):
// each archive holds one directory with exactly the executable, the licence files, README.md and the man page,
// owned by root, byte for byte the release's files; the linux executables are extracted with tar and run from
// there (amd64 natively, arm64 under qemu-user, amd64-musl with musl); checksums.txt.minisig verifies with the
// key the release signed with (a throwaway one in dist/release-key/ unless DCE_MINISIGN_SECRET_KEY was set) and
// fails for a checksums.txt with one byte changed and for another key. Skipped when dist/release is absent.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { StubEcr } from './stub-ecr-types';
import { findOnPath } from '../support/tools';
import { muslLibraryDir } from '../support/musl';

const ROOT = resolve(__dirname, '../..');
const RELEASE = join(ROOT, 'dist', 'release');
const KEY = join(ROOT, 'dist', 'release-key', 'minisign.pub');
const ABSENT = existsSync(RELEASE)
  ? false
  : 'dist/release is absent: run `npm run release` to check the release artifacts';
const version: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
const lib = <T>(name: string): Promise<T> =>
  import(pathToFileURL(join(ROOT, 'scripts', 'lib', name)).href) as Promise<T>;
interface Target {
  name: string;
  os: string;
}
interface Targets {
  TARGETS: Target[];
  archiveName(version: string, t: Target): string;
  executableName(version: string, t: Target): string;
}
interface Sign {
  makeKeyPair(dir: string): { secretKey: string; publicKey: string };
  verifySignature(file: string, publicKey: string): { status: number | null; output: string };
}
const run = (cmd: string, args: string[], cwd?: string) =>
  spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });

describe('release archives', { skip: ABSENT }, () => {
  let dir = '';
  before(() => (dir = mkdtempSync(join(tmpdir(), 'dce-archives-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('each holds one directory with the executable, LICENSE, NOTICE, THIRD-PARTY-NOTICES.txt, README.md and the man page, owned by root, byte for byte', async () => {
    const { TARGETS, archiveName, executableName } = await lib<Targets>('targets.mjs');
    for (const t of TARGETS) {
      const archive = join(RELEASE, archiveName(version, t));
      const top = `docker-credential-ecr-v${version}.${t.name}`;
      const exe = t.os === 'windows' ? 'docker-credential-ecr.exe' : 'docker-credential-ecr';
      const want = [
        `${top}/`,
        ...[exe, 'LICENSE', 'NOTICE', 'THIRD-PARTY-NOTICES.txt', 'README.md', 'docker-credential-ecr.1'].map(
          (f) => `${top}/${f}`,
        ),
      ].sort();
      const out = join(dir, t.name);
      if (t.os === 'windows') {
        const list = run('unzip', ['-Z1', archive]);
        assert.equal(list.status, 0, list.stderr);
        assert.deepEqual(list.stdout.trim().split('\n').sort(), want);
        assert.equal(run('unzip', ['-q', archive, '-d', dir]).status, 0);
        run('mv', [join(dir, top), out]);
      } else {
        const list = run('tar', ['-tvzf', archive, '--numeric-owner']);
        assert.equal(list.status, 0, list.stderr);
        const lines = list.stdout.trim().split('\n');
        assert.deepEqual(lines.map((l) => l.split(/\s+/).at(-1)).sort(), want);
        for (const l of lines) assert.match(l, /^[-d]r\S+ 0\/0 /, `owned by 0/0: ${l}`);
        assert.match(
          lines.find((l) => l.endsWith(`/${exe}`))!,
          /^-rwxr-xr-x /,
        );
        assert.equal(run('tar', ['-xzf', archive, '-C', dir]).status, 0);
        run('mv', [join(dir, top), out]);
      }
      assert.ok(
        readFileSync(join(out, exe)).equals(readFileSync(join(RELEASE, executableName(version, t)))),
        `${t.name}: the executable is the release's`,
      );
      for (const f of ['LICENSE', 'NOTICE', 'THIRD-PARTY-NOTICES.txt', 'docker-credential-ecr.1'])
        assert.ok(readFileSync(join(out, f)).equals(readFileSync(join(RELEASE, f))), `${t.name}: ${f}`);
      assert.equal(readFileSync(join(out, 'README.md'), 'utf8'), readFileSync(join(ROOT, 'README.md'), 'utf8'));
    }
  });

  it('the linux executables run from where tar put them: version, get miss, get hit', async (t: TestContext) => {
    const { versionMissHit, describeRun, isStubAnswer } = (await import(
      pathToFileURL(join(ROOT, 'scripts', 'lib', 'stub-ecr.mjs')).href
    )) as StubEcr;
    const qemu = findOnPath('qemu-aarch64-static');
    if (!qemu) throw new Error('qemu-aarch64-static is missing: apt-get install qemu-user-static');
    const musl = muslLibraryDir('amd64', join(RELEASE, `docker-credential-ecr-v${version}.linux-amd64-musl`));
    if (typeof musl === 'string') throw new Error(musl);
    const commands: Record<string, string[]> = {
      'linux-amd64': [join(dir, 'linux-amd64', 'docker-credential-ecr')],
      'linux-arm64': [qemu, join(dir, 'linux-arm64', 'docker-credential-ecr')],
      'linux-amd64-musl': [
        '/usr/bin/env',
        `LD_LIBRARY_PATH=${musl.dir}`,
        join(dir, 'linux-amd64-musl', 'docker-credential-ecr'),
      ],
    };
    for (const [name, command] of Object.entries(commands)) {
      const r = await versionMissHit(command, { timeoutMs: 120_000 });
      assert.equal(r.version.status, 0, `${name} version: ${describeRun(r.version)}`);
      assert.equal(r.version.stdout, `docker-credential-ecr ${version}\n`);
      assert.ok(r.miss.status === 0 && isStubAnswer(r.miss.stdout), `${name} miss: ${describeRun(r.miss)}`);
      assert.ok(r.hit.status === 0 && isStubAnswer(r.hit.stdout), `${name} hit: ${describeRun(r.hit)}`);
      assert.deepEqual([r.callsAfterMiss, r.callsAfterHit], [1, 1], `${name}: one API call in all`);
      t.diagnostic(
        `${name} from its archive: version ${Math.round(r.version.ms)} ms, miss ${Math.round(r.miss.ms)} ms, hit ${Math.round(r.hit.ms)} ms`,
      );
    }
    // linux-arm64-musl needs musl's arm64 libstdc++ under qemu (executables.test.ts runs the same bytes); the
    // .exe files are byte for byte the ones windows.test.ts runs under Wine (checked above); darwin: structure only.
  });
});

describe('checksums.txt signature (minisign)', { skip: ABSENT }, () => {
  let dir = '';
  before(() => (dir = mkdtempSync(join(tmpdir(), 'dce-minisign-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('verifies with the key the release was signed with, and the checksums it signs pass sha256sum -c', async () => {
    const { verifySignature } = await lib<Sign>('sign.mjs');
    assert.ok(existsSync(KEY), `${KEY}: the throwaway public key of a release built without DCE_MINISIGN_SECRET_KEY`);
    const r = verifySignature(join(RELEASE, 'checksums.txt'), KEY);
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, /Signature and comment signature verified/);
    assert.match(
      r.output,
      new RegExp(`Trusted comment: docker-credential-ecr ${version.replace(/\./g, '\\.')} checksums\\.txt`),
    );
    // The command docs/install.md gives, as a user runs it.
    const user = run('minisign', ['-Vm', 'checksums.txt', '-p', KEY], RELEASE);
    assert.equal(user.status, 0, user.stderr);
  });

  it('refuses a checksums.txt with one byte changed, and a signature made by another key (exit 1, a message)', async () => {
    const { verifySignature, makeKeyPair } = await lib<Sign>('sign.mjs');
    const copy = join(dir, 'checksums.txt');
    const text = readFileSync(join(RELEASE, 'checksums.txt'), 'utf8');
    writeFileSync(
      copy,
      text.replace(/^./, (c) => (c === '0' ? '1' : '0')),
    );
    copyFileSync(join(RELEASE, 'checksums.txt.minisig'), `${copy}.minisig`);
    const tampered = verifySignature(copy, KEY);
    assert.equal(tampered.status, 1, tampered.output);
    assert.match(tampered.output, /Signature verification failed/);
    writeFileSync(copy, text);
    assert.equal(verifySignature(copy, KEY).status, 0, 'the untampered copy verifies');
    const other = makeKeyPair(join(dir, 'other'));
    const wrongKey = verifySignature(copy, other.publicKey);
    assert.equal(wrongKey.status, 1, wrongKey.output);
    assert.match(
      wrongKey.output,
      /Signature key id in .* is [0-9A-F]+\s+but the key id in the public key is [0-9A-F]+/i,
    );
  });
});
