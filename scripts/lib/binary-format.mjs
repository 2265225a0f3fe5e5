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
//
// The bounds-checked reading is binary-read.mjs, the Mach-O parts macho-format.mjs.
import { readFileSync } from 'node:fs';
import { bad, need, u64 } from './binary-read.mjs';
import { readMachO, verifyMachOSignature } from './macho-format.mjs';

export { FormatError } from './binary-read.mjs';
export { CS_ADHOC, CS_LINKER_SIGNED, readMachO, verifyMachOSignature } from './macho-format.mjs';

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
