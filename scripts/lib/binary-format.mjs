// Reads just enough of an executable's headers to tell what it was built for, with no dependencies: the release
// (scripts/release.mjs) checks every executable before it is named, and test/release/ checks them again.
//
//   ELF (Linux):   class, byte order, type, e_machine, and the PT_INTERP program interpreter, which is what
//                  tells a glibc build (/lib64/ld-linux-x86-64.so.2) from a musl one (/lib/ld-musl-x86_64.so.1).
//   PE (Windows):  the MZ stub's e_lfanew, the PE signature, COFF Machine, the IMAGE_FILE_EXECUTABLE_IMAGE
//                  characteristic, the optional header's PE32+ magic and its Subsystem (a console program: Docker
//                  talks to the helper over stdin and stdout, which a GUI-subsystem program does not get).
//   Mach-O (macOS): 64-bit magic, cputype, and the LC_CODE_SIGNATURE: the embedded signature SuperBlob, its
//                  CodeDirectory, and every code page's SHA-256 recomputed from the file and compared with the
//                  slot recorded for it. Apple silicon refuses to run code whose page hashes do not match, so a
//                  release that patched a byte after signing would ship a binary that is killed at start-up.
//
// References: the System V ABI (ELF), Microsoft's PE format specification, <mach-o/loader.h>, and Apple's xnu osfmk/kern/cs_blobs.h (code signing:
// all fields of the signature blobs are big-endian, unlike the Mach-O headers, which are little-endian here).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export class FormatError extends Error {}
const bad = (message) => {
  throw new FormatError(message);
};

export const ELF_MACHINE = { x86_64: 62, aarch64: 183 };
export const MACHO_CPU = { x86_64: 0x01000007, arm64: 0x0100000c };
export const PE_MACHINE = { amd64: 0x8664, arm64: 0xaa64 };
const PE_SUBSYSTEM_CONSOLE = 3;

/** What each release target must be: checked by verifyExecutable(). */
export const EXPECTED = {
  'linux-amd64': { format: 'elf', machine: ELF_MACHINE.x86_64, interpreter: '/lib64/ld-linux-x86-64.so.2' },
  'linux-arm64': { format: 'elf', machine: ELF_MACHINE.aarch64, interpreter: '/lib/ld-linux-aarch64.so.1' },
  'linux-amd64-musl': { format: 'elf', machine: ELF_MACHINE.x86_64, interpreter: '/lib/ld-musl-x86_64.so.1' },
  'linux-arm64-musl': { format: 'elf', machine: ELF_MACHINE.aarch64, interpreter: '/lib/ld-musl-aarch64.so.1' },
  'darwin-amd64': { format: 'macho', cputype: MACHO_CPU.x86_64 },
  'darwin-arm64': { format: 'macho', cputype: MACHO_CPU.arm64 },
  'windows-amd64': { format: 'pe', machine: PE_MACHINE.amd64 },
  'windows-arm64': { format: 'pe', machine: PE_MACHINE.arm64 },
};

const ELF_MAGIC = 0x7f454c46; // "\x7fELF", read big-endian
const PT_INTERP = 3;
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

function need(buf, offset, length, what) {
  if (!Number.isSafeInteger(offset) || offset < 0 || length < 0 || offset + length > buf.length)
    bad(`${what} (${length} bytes at ${offset}) lies outside the file (${buf.length} bytes)`);
}

const u64 = (buf, at, what) => {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) bad(`${what} is implausibly large (${v})`);
  return Number(v);
};

/** Parses a 64-bit little-endian ELF file's header and PT_INTERP. */
export function readElf(buf) {
  need(buf, 0, 64, 'the ELF header');
  if (buf.readUInt32BE(0) !== ELF_MAGIC) bad('not an ELF file');
  if (buf[4] !== 2) bad(`not a 64-bit ELF file (EI_CLASS ${buf[4]})`);
  if (buf[5] !== 1) bad(`not a little-endian ELF file (EI_DATA ${buf[5]})`);
  const type = buf.readUInt16LE(16);
  const machine = buf.readUInt16LE(18);
  const phoff = u64(buf, 32, 'e_phoff');
  const phentsize = buf.readUInt16LE(54);
  const phnum = buf.readUInt16LE(56);
  if (phentsize < 56) bad(`e_phentsize ${phentsize} is too small for ELF64 program headers`);
  need(buf, phoff, phentsize * phnum, 'the program header table');
  let interpreter = null;
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (buf.readUInt32LE(ph) !== PT_INTERP) continue;
    if (interpreter !== null) bad('more than one PT_INTERP');
    const offset = u64(buf, ph + 8, 'PT_INTERP p_offset');
    const size = u64(buf, ph + 32, 'PT_INTERP p_filesz');
    need(buf, offset, size, 'the PT_INTERP string');
    const raw = buf.subarray(offset, offset + size);
    const nul = raw.indexOf(0);
    if (nul === -1) bad('the PT_INTERP string is not NUL-terminated');
    interpreter = raw.subarray(0, nul).toString('latin1');
  }
  return { format: 'elf', type, machine, interpreter };
}

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

/** Parses a PE file's headers: COFF Machine and Characteristics, the optional header's magic and Subsystem. */
export function readPe(buf) {
  need(buf, 0, 64, 'the MZ header');
  if (buf.toString('latin1', 0, 2) !== 'MZ') bad('not a PE file (no MZ header)');
  const pe = buf.readUInt32LE(0x3c);
  need(buf, pe, 24, 'the PE header');
  if (buf.readUInt32BE(pe) !== 0x50450000) bad(`no PE signature at e_lfanew ${pe}`);
  const machine = buf.readUInt16LE(pe + 4);
  const characteristics = buf.readUInt16LE(pe + 22);
  const optionalSize = buf.readUInt16LE(pe + 20);
  if (optionalSize < 70) bad(`the optional header is too short (${optionalSize} bytes)`);
  need(buf, pe + 24, optionalSize, 'the optional header');
  const magic = buf.readUInt16LE(pe + 24);
  const subsystem = buf.readUInt16LE(pe + 24 + 68);
  return { format: 'pe', machine, characteristics, magic, subsystem };
}

/** Describes a file's format: { format: 'elf' | 'macho' | 'pe', ... } or throws FormatError. */
export function describe(buf) {
  if (buf.length >= 4 && buf.readUInt32BE(0) === ELF_MAGIC) return readElf(buf);
  if (buf.length >= 2 && buf.toString('latin1', 0, 2) === 'MZ') return readPe(buf);
  return readMachO(buf);
}

/**
 * Checks that `file` (a path or a Buffer) is an executable for `target` (a key of EXPECTED): ELF machine and
 * interpreter, PE machine and console subsystem, or Mach-O cputype and a code signature whose page hashes all match. Returns what it found.
 */
export function verifyExecutable(file, target) {
  const want = EXPECTED[target] ?? bad(`unknown target ${target}`);
  const buf = typeof file === 'string' ? readFileSync(file) : file;
  const info = describe(buf);
  if (info.format !== want.format) bad(`${target}: a ${info.format} file, expected ${want.format}`);
  if (info.format === 'elf') {
    if (info.type !== 2 && info.type !== 3) bad(`${target}: ELF type ${info.type} is not an executable (2) or PIE (3)`);
    if (info.machine !== want.machine) bad(`${target}: ELF e_machine ${info.machine}, expected ${want.machine}`);
    if (info.interpreter !== want.interpreter)
      bad(`${target}: ELF interpreter ${info.interpreter ?? '(none)'}, expected ${want.interpreter}`);
    return info;
  }
  if (info.format === 'pe') {
    if (info.machine !== want.machine)
      bad(`${target}: PE Machine 0x${info.machine.toString(16)}, expected 0x${want.machine.toString(16)}`);
    if ((info.characteristics & 0x0002) === 0)
      bad(`${target}: PE Characteristics 0x${info.characteristics.toString(16)} lack IMAGE_FILE_EXECUTABLE_IMAGE`);
    if ((info.characteristics & 0x2000) !== 0) bad(`${target}: a DLL, not an executable`);
    if (info.magic !== 0x20b)
      bad(`${target}: optional header magic 0x${info.magic.toString(16)}, expected PE32+ (0x20b)`);
    if (info.subsystem !== PE_SUBSYSTEM_CONSOLE)
      bad(`${target}: PE Subsystem ${info.subsystem}, expected a console program (${PE_SUBSYSTEM_CONSOLE})`);
    return info;
  }
  if (info.cputype !== want.cputype)
    bad(`${target}: Mach-O cputype 0x${info.cputype.toString(16)}, expected 0x${want.cputype.toString(16)}`);
  if (info.filetype !== 2) bad(`${target}: Mach-O filetype ${info.filetype} is not MH_EXECUTE (2)`);
  return { ...info, codeSignature: verifyMachOSignature(buf, info) };
}
