// Bounds-checked reading for the executable format readers (binary-format.mjs, macho-format.mjs): every offset a
// file gives is checked against the file before it is read, and what does not hold is a FormatError.

export class FormatError extends Error {}
export const bad = (message) => {
  throw new FormatError(message);
};

export function need(buf, offset, length, what) {
  if (!Number.isSafeInteger(offset) || offset < 0 || length < 0 || offset + length > buf.length)
    bad(`${what} (${length} bytes at ${offset}) lies outside the file (${buf.length} bytes)`);
}

export const u64 = (buf, at, what) => {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) bad(`${what} is implausibly large (${v})`);
  return Number(v);
};
