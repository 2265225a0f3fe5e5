// Standard input, read whole but bounded: a credential request is a few hundred bytes, and nothing a client
// sends may make the helper hold an unbounded amount of memory.

/** The most stdin we read; a server URL is a few dozen bytes and `store` a few kilobytes. */
export const MAX_INPUT_BYTES = 64 * 1024;

/** Reads stdin as bytes, at most `max` + 1 (one more tells the reader it was oversized), then stops. */
export async function readRawInput(stdin: NodeJS.ReadableStream, max = MAX_INPUT_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    chunks.push(buffer);
    size += buffer.length;
    if (size > max) {
      (stdin as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      break;
    }
  }
  return Buffer.concat(chunks);
}

/** Reads stdin up to MAX_INPUT_BYTES; past that, stops reading and reports the input as oversized. */
export async function readInput(stdin: NodeJS.ReadableStream): Promise<{ text: string; oversized: boolean }> {
  const bytes = await readRawInput(stdin);
  // Invalid UTF-8 becomes U+FFFD, which host parsing then refuses.
  return bytes.length > MAX_INPUT_BYTES
    ? { text: '', oversized: true }
    : { text: bytes.toString('utf8'), oversized: false };
}
