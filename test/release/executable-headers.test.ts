// Every release executable's headers (scripts/lib/binary-format.mjs): ELF machine and interpreter, Mach-O cputype
// and code-signature page hashes, including that the verifier rejects a copy with one byte changed; the ad-hoc
// signer reproduces each darwin signature; no embedded runtime reads Bun's environment switches.
// Skipped, saying so, when dist/release is absent.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RELEASE, ABSENT, version, scriptLib } from './release-dir';
import { Targets, BinaryFormat, MachoSign } from './release-lib-types';

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
