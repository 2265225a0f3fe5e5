// The Mach-O side of binary-format.mjs: 64-bit magic, cputype, and the LC_CODE_SIGNATURE: the embedded signature
// SuperBlob, its CodeDirectory, and every code page's SHA-256 recomputed from the file and compared with the slot
// recorded for it. Apple silicon refuses to run code whose page hashes do not match, so a release that patched a
// byte after signing would ship a binary that is killed at start-up.
//
// References: <mach-o/loader.h>, and Apple's xnu osfmk/kern/cs_blobs.h (code signing: all fields of the signature
// blobs are big-endian, unlike the Mach-O headers, which are little-endian here).
import { createHash } from 'node:crypto';
import { bad, need } from './binary-read.mjs';

const MH_MAGIC_64 = 0xfeedfacf;
const MH_CIGAM_64 = 0xcffaedfe;
const FAT_MAGIC = 0xcafebabe;
const LC_CODE_SIGNATURE = 0x1d;
const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0;
const CSMAGIC_CODEDIRECTORY = 0xfade0c02;
const CSSLOT_CODEDIRECTORY = 0;
const CSSLOT_ALTERNATE_CODEDIRECTORIES = 0x1000;
const CS_HASHTYPE_SHA256 = 2;
export const CS_ADHOC = 0x2;
export const CS_LINKER_SIGNED = 0x20000;

/** Parses a thin 64-bit Mach-O file's header and load commands; returns the LC_CODE_SIGNATURE's extent if any. */
export function readMachO(buf) {
  need(buf, 0, 32, 'the Mach-O header');
  const magic = buf.readUInt32LE(0);
  if (buf.readUInt32BE(0) === FAT_MAGIC) bad('a universal (fat) Mach-O file; expected a thin 64-bit one');
  if (magic === MH_CIGAM_64) bad('a big-endian Mach-O file');
  if (magic !== MH_MAGIC_64) bad(`not a 64-bit Mach-O file (magic 0x${magic.toString(16)})`);
  const cputype = buf.readUInt32LE(4);
  const filetype = buf.readUInt32LE(12);
  const ncmds = buf.readUInt32LE(16);
  const sizeofcmds = buf.readUInt32LE(20);
  need(buf, 32, sizeofcmds, 'the load commands');
  let signature = null;
  for (let i = 0, at = 32; i < ncmds; i++) {
    if (at + 8 > 32 + sizeofcmds) bad(`load command ${i} runs past sizeofcmds`);
    const cmd = buf.readUInt32LE(at);
    const cmdsize = buf.readUInt32LE(at + 4);
    if (cmdsize < 8 || at + cmdsize > 32 + sizeofcmds) bad(`load command ${i} has a bad size (${cmdsize})`);
    if (cmd === LC_CODE_SIGNATURE) {
      if (signature) bad('more than one LC_CODE_SIGNATURE');
      if (cmdsize < 16) bad('LC_CODE_SIGNATURE is too short');
      signature = { dataoff: buf.readUInt32LE(at + 8), datasize: buf.readUInt32LE(at + 12) };
    }
    at += cmdsize;
  }
  return { format: 'macho', cputype, filetype, ncmds, signature };
}

/** Parses the CodeDirectory at `at` (big-endian fields, cs_blobs.h). */
function readCodeDirectory(buf, at, end) {
  need(buf, at, 44, 'the CodeDirectory header');
  const be = (off) => buf.readUInt32BE(at + off);
  const cd = {
    at,
    magic: be(0),
    length: be(4),
    version: be(8),
    flags: be(12),
    hashOffset: be(16),
    identOffset: be(20),
    nSpecialSlots: be(24),
    nCodeSlots: be(28),
    codeLimit: be(32),
    hashSize: buf[at + 36],
    hashType: buf[at + 37],
    platform: buf[at + 38],
    pageSizeLog2: buf[at + 39],
  };
  if (cd.magic !== CSMAGIC_CODEDIRECTORY)
    bad(`CodeDirectory magic 0x${cd.magic.toString(16)}, expected 0x${CSMAGIC_CODEDIRECTORY.toString(16)}`);
  if (at + cd.length > end) bad('the CodeDirectory runs past the signature');
  // codeLimit64 (version >= 0x20300) replaces a 32-bit codeLimit of 0 for files over 4 GiB.
  if (cd.version >= 0x20300 && cd.length >= 64) {
    const limit64 = Number(buf.readBigUInt64BE(at + 56));
    if (limit64 !== 0) cd.codeLimit = limit64;
  }
  const nul = buf.indexOf(0, at + cd.identOffset);
  cd.identifier =
    cd.identOffset && nul !== -1 && nul < at + cd.length ? buf.toString('utf8', at + cd.identOffset, nul) : '';
  return cd;
}

/**
 * Checks a Mach-O file's embedded code signature: the SuperBlob, the SHA-256 CodeDirectory, and that every
 * page of the file up to codeLimit hashes to its code slot. Throws FormatError naming the first mismatch.
 */
export function verifyMachOSignature(buf, macho = readMachO(buf)) {
  const sig = macho.signature;
  if (!sig) bad('no LC_CODE_SIGNATURE: unsigned code does not run on Apple silicon');
  need(buf, sig.dataoff, sig.datasize, 'the code signature');
  const end = sig.dataoff + sig.datasize;
  const magic = buf.readUInt32BE(sig.dataoff);
  if (magic !== CSMAGIC_EMBEDDED_SIGNATURE)
    bad(`SuperBlob magic 0x${magic.toString(16)}, expected 0x${CSMAGIC_EMBEDDED_SIGNATURE.toString(16)}`);
  const length = buf.readUInt32BE(sig.dataoff + 4);
  const count = buf.readUInt32BE(sig.dataoff + 8);
  if (length > sig.datasize) bad(`SuperBlob length ${length} exceeds LC_CODE_SIGNATURE datasize ${sig.datasize}`);
  need(buf, sig.dataoff + 12, count * 8, 'the SuperBlob index');
  const blobs = [];
  for (let i = 0; i < count; i++) {
    const type = buf.readUInt32BE(sig.dataoff + 12 + i * 8);
    const offset = buf.readUInt32BE(sig.dataoff + 16 + i * 8);
    if (offset >= length) bad(`SuperBlob entry ${i} (type 0x${type.toString(16)}) points past the SuperBlob`);
    blobs.push({ type, at: sig.dataoff + offset });
  }
  const cds = blobs
    .filter(
      (b) =>
        b.type === CSSLOT_CODEDIRECTORY ||
        (b.type >= CSSLOT_ALTERNATE_CODEDIRECTORIES && b.type < CSSLOT_ALTERNATE_CODEDIRECTORIES + 5),
    )
    .map((b) => readCodeDirectory(buf, b.at, end));
  const cd = cds.find((c) => c.hashType === CS_HASHTYPE_SHA256);
  if (!cd) bad(`no SHA-256 CodeDirectory (hash types: ${cds.map((c) => c.hashType).join(', ') || 'none'})`);
  if (cd.hashSize !== 32) bad(`SHA-256 CodeDirectory with hashSize ${cd.hashSize}`);
  if (cd.pageSizeLog2 === 0) bad('CodeDirectory pageSize 0 (one hash for the whole file) is not expected here');
  if (cd.pageSizeLog2 < 9 || cd.pageSizeLog2 > 16) bad(`implausible CodeDirectory pageSize 2^${cd.pageSizeLog2}`);
  const pageSize = 2 ** cd.pageSizeLog2;
  if (cd.codeLimit > sig.dataoff) bad(`codeLimit ${cd.codeLimit} reaches into the signature at ${sig.dataoff}`);
  if (cd.codeLimit !== sig.dataoff)
    bad(`codeLimit ${cd.codeLimit} does not cover the file up to the signature at ${sig.dataoff}`);
  const expectedSlots = Math.ceil(cd.codeLimit / pageSize);
  if (cd.nCodeSlots !== expectedSlots)
    bad(`nCodeSlots ${cd.nCodeSlots}, but codeLimit ${cd.codeLimit} / pageSize ${pageSize} needs ${expectedSlots}`);
  const slots = cd.at + cd.hashOffset;
  need(buf, slots, cd.nCodeSlots * cd.hashSize, 'the code slots');
  if (slots + cd.nCodeSlots * cd.hashSize > cd.at + cd.length) bad('the code slots run past the CodeDirectory');
  // Special slots (hashed backwards from hashOffset): each blob embedded in the SuperBlob (requirements,
  // entitlements, ...) must hash to its slot. Slots 1 (Info.plist) and 3 (resources) name files outside the binary.
  need(buf, slots - cd.nSpecialSlots * cd.hashSize, cd.nSpecialSlots * cd.hashSize, 'the special slots');
  for (let slot = 1; slot <= cd.nSpecialSlots; slot++) {
    if (slot === 1 || slot === 3) continue;
    const recorded = buf.subarray(slots - slot * cd.hashSize, slots - (slot - 1) * cd.hashSize);
    const blob = blobs.find((b) => b.type === slot);
    if (!blob) {
      if (recorded.some((byte) => byte !== 0))
        bad(`special slot ${slot} has a hash but the signature has no such blob`);
      continue;
    }
    need(buf, blob.at, 8, `the blob in special slot ${slot}`);
    const blobLength = buf.readUInt32BE(blob.at + 4);
    need(buf, blob.at, blobLength, `the blob in special slot ${slot}`);
    const digest = createHash('sha256')
      .update(buf.subarray(blob.at, blob.at + blobLength))
      .digest();
    if (!digest.equals(recorded)) bad(`the blob in special slot ${slot} does not match its hash in the CodeDirectory`);
  }
  for (let page = 0; page < cd.nCodeSlots; page++) {
    const from = page * pageSize;
    const digest = createHash('sha256')
      .update(buf.subarray(from, Math.min(from + pageSize, cd.codeLimit)))
      .digest();
    const recorded = buf.subarray(slots + page * 32, slots + page * 32 + 32);
    if (!digest.equals(recorded))
      bad(
        `code page ${page} (bytes ${from}-${Math.min(from + pageSize, cd.codeLimit) - 1}) hashes to ${digest.toString('hex')}, but its code slot says ${recorded.toString('hex')}`,
      );
  }
  return {
    version: cd.version,
    flags: cd.flags,
    adhoc: (cd.flags & CS_ADHOC) !== 0,
    linkerSigned: (cd.flags & CS_LINKER_SIGNED) !== 0,
    identifier: cd.identifier,
    hashType: cd.hashType,
    pageSize,
    codeLimit: cd.codeLimit,
    nCodeSlots: cd.nCodeSlots,
    nSpecialSlots: cd.nSpecialSlots,
    hashOffset: cd.hashOffset,
    codeDirectories: cds.length,
  };
}
