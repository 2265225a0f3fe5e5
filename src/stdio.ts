// The process's standard streams for the CLI, minus Node's stream machinery on the common path. process.stdin,
// .stdout and .stderr are getters that build a net.Socket or fs stream on first use, which loads some thirty
// internal modules (~5 ms of CPU, a fifth of a cache hit). Reading and writing the file descriptors directly
// needs none of that, and is what Node's own stdout does for pipes and files on Linux anyway (synchronous writes).
// Everything else, and every error (a non-blocking descriptor's EAGAIN, EPIPE, ...), goes to the real stream,
// created at that moment, so behaviour stays Node's.
import { readSync, writeSync } from 'node:fs';

/** `own` first; any other property is the real stream's (methods bound to it). */
function backedBy<T extends object>(real: () => T, own: Record<PropertyKey, unknown>): T {
  const handler: ProxyHandler<Record<PropertyKey, unknown>> = {
    get(target, prop) {
      if (prop in target) return target[prop];
      const stream = real();
      const value: unknown = Reflect.get(stream, prop);
      return typeof value === 'function' ? value.bind(stream) : value;
    },
    set: (_target, prop, value) => Reflect.set(real(), prop, value),
    has: (target, prop) => prop in target || prop in real(),
  };
  // The proxy stands for the whole stream type: whatever `own` lacks comes from the real stream.
  return new Proxy(own, handler) as unknown as T;
}

/** Standard input as async-iterable chunks read with read(2); the real process.stdin past the first error. */
export function standardInput(): NodeJS.ReadableStream {
  async function* chunks(): AsyncGenerator<Buffer> {
    const buffer = Buffer.allocUnsafe(64 * 1024);
    for (;;) {
      let n: number;
      try {
        n = readSync(0, buffer, 0, buffer.length, null);
      } catch {
        // E.g. EAGAIN from a non-blocking pipe: the stream waits for data properly (and reports real errors).
        yield* process.stdin as AsyncIterable<Buffer>;
        return;
      }
      if (n === 0) return;
      yield Buffer.from(buffer.subarray(0, n));
    }
  }
  return backedBy(() => process.stdin, { [Symbol.asyncIterator]: chunks });
}

/** stdout (1) or stderr (2): plain write(text) calls go straight to write(2); the rest to the real stream. */
export function standardOutput(fd: 1 | 2): NodeJS.WritableStream {
  const real = (): NodeJS.WriteStream => (fd === 1 ? process.stdout : process.stderr);
  let direct = true;
  const write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    if (direct && rest.length === 0) {
      const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      let offset = 0;
      try {
        while (offset < data.length) offset += writeSync(fd, data, offset);
        return true;
      } catch {
        // From here on the stream writes, so output stays in order; it retries what is left or reports the error.
        direct = false;
        return real().write(data.subarray(offset));
      }
    }
    direct = false;
    return (real().write as (...args: unknown[]) => boolean)(chunk, ...rest);
  };
  return backedBy(real, { write });
}
