// What `npm run release` wrote to dist/release: every file present, checksums.txt verified by sha256sum, the SBOM,
// and every executable's headers (scripts/lib/binary-format.mjs): ELF machine and interpreter, Mach-O cputype
// and code-signature page hashes, including that the verifier rejects a copy with one byte changed.
// Skipped, saying so, when dist/release is absent; a partial or stale release fails.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, RELEASE, ABSENT, version, scriptLib } from './release-dir';

interface Target {
  name: string;
  os: string;
  arch: string;
  runtimePackage: string;
}
interface Targets {
  TARGETS: Target[];
  CHECKSUMS: string;
  executableName(version: string, t: Target): string;
  npmTarballName(version: string): string;
  sbomName(version: string): string;
  releaseFiles(version: string): string[];
}
interface CodeSignature {
  identifier: string;
  adhoc: boolean;
  linkerSigned: boolean;
  hashType: number;
  pageSize: number;
  codeLimit: number;
  nCodeSlots: number;
}
interface Info {
  format: 'elf' | 'macho';
  machine?: number;
  interpreter?: string | null;
  cputype?: number;
  subsystem?: number;
  signature?: { dataoff: number; datasize: number };
  codeSignature?: CodeSignature;
}
interface BinaryFormat {
  verifyExecutable(file: string | Buffer, target: string): Info;
  FormatError: new (message: string) => Error;
}
interface MachoSign {
  adhocSign(buf: Buffer, identifier: string): Buffer;
}

describe('release artifacts', { skip: ABSENT }, () => {
  it('are all there, and nothing else', async () => {
    const { releaseFiles } = await scriptLib<Targets>('targets.mjs');
    assert.deepEqual(
      readdirSync(RELEASE).sort(),
      releaseFiles(version).sort(),
      `dist/release does not hold the ${version} release: run \`npm run release\` again`,
    );
  });

  it('checksums.txt is in `sha256sum -b` format, lists every other file once, and `sha256sum -c` passes', async () => {
    const { releaseFiles, CHECKSUMS } = await scriptLib<Targets>('targets.mjs');
    const lines = readFileSync(join(RELEASE, CHECKSUMS), 'utf8').split('\n');
    assert.equal(lines.pop(), '', 'checksums.txt ends with a newline');
    for (const line of lines) assert.match(line, /^[0-9a-f]{64} \*[^\s/]+$/);
    assert.deepEqual(
      lines.map((l) => l.slice(66)).sort(),
      releaseFiles(version)
        .filter((f) => f !== CHECKSUMS && f !== 'checksums.txt.minisig')
        .sort(),
    );
    const r = spawnSync('sha256sum', ['--strict', '-c', CHECKSUMS], { cwd: RELEASE, encoding: 'utf8' });
    assert.equal(r.status, 0, `sha256sum -c: ${r.stdout}${r.stderr}${r.error?.message ?? ''}`);
    assert.equal(
      r.stdout
        .trim()
        .split('\n')
        .filter((l) => l.endsWith(': OK')).length,
      lines.length,
    );
  });

  it('the SBOM is CycloneDX and lists every production dependency and every embedded Bun runtime, and no build tool', async () => {
    const { TARGETS, sbomName, executableName } = await scriptLib<Targets>('targets.mjs');
    const bom = JSON.parse(readFileSync(join(RELEASE, sbomName(version)), 'utf8'));
    assert.equal(bom.bomFormat, 'CycloneDX');
    assert.match(bom.specVersion, /^1\.\d+$/);
    assert.equal(bom.metadata.component.name, 'docker-credential-ecr');
    assert.equal(bom.metadata.component.version, version);
    assert.equal(bom.metadata.component.type, 'application');
    const components = new Map<
      string,
      { hashes?: { alg: string; content: string }[]; properties?: { name: string; value: string }[] }
    >(bom.components.map((c: { name: string; version: string }) => [`${c.name}@${c.version}`, c]));
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')).packages as Record<
      string,
      { version: string; dev?: boolean; integrity?: string }
    >;
    const production = Object.entries(lock).filter(([path, p]) => path.startsWith('node_modules/') && !p.dev);
    assert.ok(production.length > 10);
    for (const [path, p] of production) {
      const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
      if (name.startsWith('@oven/')) continue;
      assert.ok(components.has(`${name}@${p.version}`), `${name}@${p.version} is missing from the SBOM`);
    }
    const bunVersion: string = JSON.parse(
      readFileSync(join(ROOT, 'node_modules', 'bun', 'package.json'), 'utf8'),
    ).version;
    for (const t of TARGETS) {
      const c = components.get(`${t.runtimePackage}@${bunVersion}`);
      assert.ok(c, `${t.runtimePackage}@${bunVersion} is missing from the SBOM`);
      const integrity = lock[`node_modules/${t.runtimePackage}`]?.integrity;
      if (integrity)
        assert.deepEqual(c.hashes, [
          { alg: 'SHA-512', content: Buffer.from(integrity.slice('sha512-'.length), 'base64').toString('hex') },
        ]);
      assert.ok(
        c.properties?.some(
          (p) => p.name === 'docker-credential-ecr:embedded-in' && p.value === executableName(version, t),
        ),
      );
    }
    for (const tool of ['bun', 'typescript', 'tsx', '@types/node'])
      assert.ok(
        ![...components.keys()].some((k) => k.startsWith(`${tool}@`)),
        `${tool} (a dev dependency) is in the SBOM`,
      );
  });
});

describe('release executables: headers', { skip: ABSENT }, () => {
  it('each is the right format, machine and interpreter, or cputype with a valid code signature', async () => {
    const { TARGETS, executableName } = await scriptLib<Targets>('targets.mjs');
    const { verifyExecutable } = await scriptLib<BinaryFormat>('binary-format.mjs');
    for (const t of TARGETS) {
      const info = verifyExecutable(join(RELEASE, executableName(version, t)), t.name);
      if (t.os === 'linux') {
        assert.equal(info.format, 'elf');
        assert.equal(info.machine, t.arch === 'amd64' ? 62 : 183);
        assert.equal(
          info.interpreter,
          {
            'linux-amd64': '/lib64/ld-linux-x86-64.so.2',
            'linux-arm64': '/lib/ld-linux-aarch64.so.1',
            'linux-amd64-musl': '/lib/ld-musl-x86_64.so.1',
            'linux-arm64-musl': '/lib/ld-musl-aarch64.so.1',
          }[t.name],
        );
      } else if (t.os === 'windows') {
        assert.equal(info.format, 'pe');
        assert.equal(info.machine, t.arch === 'amd64' ? 0x8664 : 0xaa64);
        assert.equal(info.subsystem, 3, 'a console program (Docker talks to it over stdin and stdout)');
        assert.ok(executableName(version, t).endsWith('.exe'));
      } else {
        assert.equal(info.format, 'macho');
        assert.equal(info.cputype, t.arch === 'amd64' ? 0x01000007 : 0x0100000c);
        const cs = info.codeSignature!;
        assert.equal(cs.hashType, 2, 'SHA-256 page hashes');
        assert.ok(cs.adhoc, 'signed ad hoc');
        assert.equal(cs.codeLimit, info.signature!.dataoff, 'the signature covers everything before it');
        assert.equal(cs.nCodeSlots, Math.ceil(cs.codeLimit / cs.pageSize));
      }
    }
  });

  it('the checks can fail: each executable is rejected as any other target', async () => {
    const { TARGETS, executableName } = await scriptLib<Targets>('targets.mjs');
    const { verifyExecutable, FormatError } = await scriptLib<BinaryFormat>('binary-format.mjs');
    for (const t of TARGETS) {
      const bytes = readFileSync(join(RELEASE, executableName(version, t)));
      for (const other of TARGETS.filter((o) => o !== t))
        assert.throws(() => verifyExecutable(bytes, other.name), FormatError, `${t.name} passed as ${other.name}`);
    }
  });

  it('the Mach-O verifier rejects a copy with one byte changed in a code page, and one with a code slot changed', async () => {
    const { TARGETS, executableName } = await scriptLib<Targets>('targets.mjs');
    const { verifyExecutable, FormatError } = await scriptLib<BinaryFormat>('binary-format.mjs');
    for (const t of TARGETS.filter((x) => x.os === 'darwin')) {
      const original = readFileSync(join(RELEASE, executableName(version, t)));
      const info = verifyExecutable(original, t.name);
      const cs = info.codeSignature!;
      // A byte in the middle of the code (inside __TEXT, not the header), in a page whose slot is known.
      const at = Math.floor(cs.codeLimit / 2) + 123;
      const page = Math.floor(at / cs.pageSize);
      const flipped = Buffer.from(original);
      flipped[at] ^= 0x01;
      assert.throws(
        () => verifyExecutable(flipped, t.name),
        (e: Error) => e instanceof FormatError && e.message.includes(`code page ${page} `),
        `${t.name}: a changed byte at ${at} went unnoticed`,
      );
      // The last, partial page too (it is hashed truncated at codeLimit).
      const last = Buffer.from(original);
      last[cs.codeLimit - 1] ^= 0x80;
      assert.throws(
        () => verifyExecutable(last, t.name),
        (e: Error) => e instanceof FormatError && e.message.includes(`code page ${cs.nCodeSlots - 1} `),
      );
      // A byte past codeLimit but inside the signature's hashes.
      const slot = Buffer.from(original);
      slot[slot.length - 1] ^= 0x01;
      assert.throws(() => verifyExecutable(slot, t.name), FormatError);
      assert.doesNotThrow(() => verifyExecutable(original, t.name), 'the original still verifies');
    }
  });

  it('the ad-hoc signer (used when Bun leaves a stale signature) reproduces each darwin signature byte for byte', async () => {
    // darwin-arm64 is signed by Bun itself: the same bytes from scripts/lib/macho-sign.mjs mean the two
    // independent signers agree. darwin-amd64 is re-signed by the release (Bun 1.4.x leaves it stale): signing it
    // again must change nothing.
    const { TARGETS, executableName } = await scriptLib<Targets>('targets.mjs');
    const { verifyExecutable } = await scriptLib<BinaryFormat>('binary-format.mjs');
    const { adhocSign } = await scriptLib<MachoSign>('macho-sign.mjs');
    for (const t of TARGETS.filter((x) => x.os === 'darwin')) {
      const original = readFileSync(join(RELEASE, executableName(version, t)));
      const { identifier } = verifyExecutable(original, t.name).codeSignature!;
      assert.ok(
        adhocSign(original, identifier).equals(original),
        `${t.name}: re-signing ad hoc as ${identifier} changed the file`,
      );
    }
  });

  it('no executable embeds a runtime that reads BUN_OPTIONS, BUN_BE_BUN or BUN_INSPECT*', async () => {
    const { TARGETS, executableName } = await scriptLib<Targets>('targets.mjs');
    for (const t of TARGETS) {
      const bytes = readFileSync(join(RELEASE, executableName(version, t)));
      for (const name of ['BUN_OPTIONS', 'BUN_BE_BUN', 'BUN_INSPECT']) {
        const needle = Buffer.from(name, 'latin1');
        for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + 1))
          assert.equal(bytes[at - 1], 0x2e, `${t.name}: ${name} at ${at} is readable (not neutralised)`);
      }
    }
  });
});

describe('release licences', { skip: ABSENT }, () => {
  const tarList = (file: string) => spawnSync('tar', ['-tzf', file], { encoding: 'utf8' }).stdout.split('\n');

  it('LICENSE, NOTICE and THIRD-PARTY-NOTICES.txt are release files and inside the npm package', async () => {
    const { npmTarballName } = await scriptLib<Targets>('targets.mjs');
    for (const name of ['LICENSE', 'NOTICE', 'THIRD-PARTY-NOTICES.txt']) {
      assert.ok(readFileSync(join(RELEASE, name), 'utf8').length > 200, `${name} in dist/release`);
      assert.ok(
        tarList(join(RELEASE, npmTarballName(version))).includes(`package/${name}`),
        `${name} in the npm package`,
      );
    }
    assert.equal(readFileSync(join(RELEASE, 'LICENSE'), 'utf8'), readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
    assert.match(readFileSync(join(RELEASE, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0/);
    assert.doesNotMatch(
      readFileSync(join(RELEASE, 'LICENSE'), 'utf8'),
      /Amazon/,
      "the appendix names this project, not the file's source",
    );
  });

  it('every executable embeds LICENSE, NOTICE and THIRD-PARTY-NOTICES.txt byte for byte', async () => {
    const { TARGETS, executableName } = await scriptLib<Targets>('targets.mjs');
    const texts = ['LICENSE', 'NOTICE', 'THIRD-PARTY-NOTICES.txt'].map(
      (name) => [name, readFileSync(join(RELEASE, name))] as const,
    );
    for (const t of TARGETS) {
      const bytes = readFileSync(join(RELEASE, executableName(version, t)));
      for (const [name, text] of texts)
        assert.ok(bytes.indexOf(text) !== -1, `${executableName(version, t)} embeds ${name}`);
    }
  });

  it('the third-party notices and the SBOM agree: every npm package with its licence and licence text, Bun with its LGPL parts', () => {
    const notices = readFileSync(join(RELEASE, 'THIRD-PARTY-NOTICES.txt'), 'utf8');
    const bom = JSON.parse(readFileSync(join(RELEASE, `docker-credential-ecr-${version}.cdx.json`), 'utf8'));
    const npmComponents = bom.components.filter(
      (c: { purl?: string; name: string }) => c.purl?.startsWith('pkg:npm/') && !c.name.startsWith('@oven/'),
    );
    assert.ok(npmComponents.length > 10);
    for (const c of npmComponents as { name: string; version: string; licenses?: { license?: { id?: string } }[] }[]) {
      const id = c.licenses?.[0]?.license?.id;
      assert.ok(id, `${c.name}@${c.version} has a licence id in the SBOM`);
      assert.ok(
        notices.includes(`--- ${c.name}@${c.version} (${id}) `),
        `THIRD-PARTY-NOTICES.txt lists ${c.name}@${c.version} as ${id}`,
      );
    }
    const listed = [...notices.matchAll(/^--- (\S+)@(\S+) \(/gm)].map((m) => `${m[1]}@${m[2]}`);
    assert.equal(listed.length, npmComponents.length, 'no package in the notices that the SBOM lacks');
    for (const c of bom.components.filter((x: { name: string }) => x.name.startsWith('@oven/bun-'))) {
      assert.match(c.licenses[0].expression, /^MIT AND LGPL-2\.0-or-later AND /);
    }
    assert.match(notices, /1\. Bun \d+\.\d+\.\d+ \(the runtime inside each executable\)/);
    assert.match(notices, /JavaScriptCore and WebCore \(WebKit\), patched by Oven: LGPL-2\.0-or-later/);
    assert.match(notices, /relink/);
    // A licence text, not just a name: the Apache-2.0 packages ship their LICENSE, the MIT ones theirs.
    assert.match(notices, /--- yaml@[\d.]+ \(ISC\) -+\n\nCopyright/);
  });
});
