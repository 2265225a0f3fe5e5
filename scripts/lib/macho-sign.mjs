// Ad-hoc, linker-style code signing of a thin 64-bit Mach-O executable, in plain JS: what Apple's ld64 and Go's
// linker write (cmd/internal/codesign) and what Bun writes itself for darwin-arm64: a SuperBlob holding one
// CodeDirectory (version 0x20400, flags adhoc|linker-signed, SHA-256 of every 4 KiB page up to the signature,
// no special slots, no CMS blob). It is needed because Bun 1.4.x, cross-compiling for darwin-x64, copies the
// runtime's original Developer ID signature into the output unchanged: its codeLimit stops where the runtime's
// code ended and dozens of page hashes no longer match (the __BUN section and the header changed), which macOS
// treats as tampered code. The existing LC_CODE_SIGNATURE's place is reused; the file shrinks to fit.
import { createHash } from 'node:crypto';
import { readMachO } from './macho-format.mjs';

const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;
const MH_EXECUTE = 2;
const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0;
const CSMAGIC_CODEDIRECTORY = 0xfade0c02;
const CS_ADHOC = 0x2;
const CS_LINKER_SIGNED = 0x20000;
const CS_HASHTYPE_SHA256 = 2;
const CS_EXECSEG_MAIN_BINARY = 0x1;
const PAGE_BITS = 12;
const PAGE = 1 << PAGE_BITS;
const SUPERBLOB_HEADER = 12; // magic, length, count
const BLOB_INDEX = 8; // type, offset
const CODE_DIRECTORY_HEADER = 88; // through execSegFlags (version 0x20400)

const fail = (message) => {
  throw new Error(`cannot sign: ${message}`);
};

function segments(buf, ncmds) {
  const found = {};
  for (let i = 0, at = 32; i < ncmds; i++) {
    const cmd = buf.readUInt32LE(at);
    if (cmd === LC_SEGMENT_64) found[buf.toString('latin1', at + 8, at + 24).replace(/\0+$/, '')] = at;
    if (cmd === LC_CODE_SIGNATURE) found.codeSignature = at;
    at += buf.readUInt32LE(at + 4);
  }
  return found;
}

/** Returns a copy of `input` (a Buffer) signed ad hoc under `identifier`; any previous signature is replaced. */
export function adhocSign(input, identifier) {
  const macho = readMachO(input);
  if (!macho.signature) fail('no LC_CODE_SIGNATURE to reuse (adding one is not supported)');
  const cmds = segments(input, macho.ncmds);
  const text = cmds.__TEXT ?? fail('no __TEXT segment');
  const linkedit = cmds.__LINKEDIT ?? fail('no __LINKEDIT segment');
  const codeLimit = macho.signature.dataoff;
  if (codeLimit % 16 !== 0) fail(`the signature offset ${codeLimit} is not 16-byte aligned`);
  const linkeditOff = Number(input.readBigUInt64LE(linkedit + 40));
  if (linkeditOff > codeLimit) fail('the signature lies before __LINKEDIT');

  const id = Buffer.from(`${identifier}\0`, 'utf8');
  const nSlots = Math.ceil(codeLimit / PAGE);
  const identOffset = CODE_DIRECTORY_HEADER;
  const hashOffset = identOffset + id.length;
  const cdLength = hashOffset + nSlots * 32;
  const size = SUPERBLOB_HEADER + BLOB_INDEX + cdLength;

  const out = Buffer.alloc(codeLimit + size);
  input.copy(out, 0, 0, codeLimit);
  // The header describes the new signature before the pages (the header's among them) are hashed.
  out.writeUInt32LE(size, cmds.codeSignature + 12); // datasize
  const linkeditFileSize = codeLimit + size - linkeditOff;
  out.writeBigUInt64LE(BigInt(linkeditFileSize), linkedit + 48); // filesize
  const vmsize = Number(out.readBigUInt64LE(linkedit + 32));
  if (vmsize < linkeditFileSize)
    out.writeBigUInt64LE(BigInt(Math.ceil(linkeditFileSize / 0x4000) * 0x4000), linkedit + 32);

  let at = codeLimit;
  out.writeUInt32BE(CSMAGIC_EMBEDDED_SIGNATURE, at);
  out.writeUInt32BE(size, at + 4);
  out.writeUInt32BE(1, at + 8);
  out.writeUInt32BE(0, at + 12); // CSSLOT_CODEDIRECTORY
  out.writeUInt32BE(SUPERBLOB_HEADER + BLOB_INDEX, at + 16);
  at += SUPERBLOB_HEADER + BLOB_INDEX;
  out.writeUInt32BE(CSMAGIC_CODEDIRECTORY, at);
  out.writeUInt32BE(cdLength, at + 4);
  out.writeUInt32BE(0x20400, at + 8); // version
  out.writeUInt32BE(CS_ADHOC | CS_LINKER_SIGNED, at + 12);
  out.writeUInt32BE(hashOffset, at + 16);
  out.writeUInt32BE(identOffset, at + 20);
  out.writeUInt32BE(0, at + 24); // nSpecialSlots
  out.writeUInt32BE(nSlots, at + 28);
  out.writeUInt32BE(codeLimit, at + 32);
  out[at + 36] = 32; // hashSize
  out[at + 37] = CS_HASHTYPE_SHA256;
  out[at + 38] = 0; // platform
  out[at + 39] = PAGE_BITS;
  // spare2, scatterOffset, teamOffset, spare3, codeLimit64: zero (Buffer.alloc)
  out.writeBigUInt64BE(input.readBigUInt64LE(text + 40), at + 64); // execSegBase: __TEXT fileoff
  out.writeBigUInt64BE(input.readBigUInt64LE(text + 48), at + 72); // execSegLimit: __TEXT filesize
  out.writeBigUInt64BE(BigInt(macho.filetype === MH_EXECUTE ? CS_EXECSEG_MAIN_BINARY : 0), at + 80);
  id.copy(out, at + identOffset);
  for (let page = 0; page < nSlots; page++) {
    const from = page * PAGE;
    createHash('sha256')
      .update(out.subarray(from, Math.min(from + PAGE, codeLimit)))
      .digest()
      .copy(out, at + hashOffset + page * 32);
  }
  return out;
}
