// The process's standard streams for the CLI, minus the runtime's stream machinery on the common path.
// process.stdin, .stdout and .stderr are getters that build a socket or file stream on first use; reading and
// writing the file descriptors directly needs none of that, and makes a cache hit cheaper (docs/performance.md).
// A non-blocking descriptor's EAGAIN goes to the real stream, created at that moment, so output stays whole.
import { fstatSync, readSync, writeSync } from 'node:fs';
import { escapeControls } from './terminal-text';

/** `own` first; any other property is the real stream's (methods bound to it). */
function backedBy<T extends object>(real: () => T, own: Record<PropertyKey, unknown>): T {
  const handler: ProxyHandler<Record<PropertyKey, unknown>> = {
    get(target, prop) {
      if (prop in target) return target[prop];
      const stream = real();
      const value: unknown = Reflect.get(stream, prop);
      return typeof value === 'function' ? (value.bind(stream) as unknown) : value;
    },
    set: (_target, prop, value) => Reflect.set(real(), prop, value),
    has: (target, prop) => prop in target || prop in real(),
  };
  // The proxy stands for the whole stream type: whatever `own` lacks comes from the real stream.
  return new Proxy(own, handler) as unknown as T;
}

const isEagain = (error: unknown): boolean => (error as NodeJS.ErrnoException | undefined)?.code === 'EAGAIN';

/**
 * Standard input as async-iterable chunks read with read(2); the real process.stdin after EAGAIN. Any other read
 * error (stdin is a directory: EISDIR) ends the input, so an unreadable stdin is an empty one, under every runtime.
 */
export function standardInput(): NodeJS.ReadableStream {
  async function* chunks(): AsyncGenerator<Buffer> {
    const buffer = Buffer.allocUnsafe(64 * 1024);
    for (;;) {
      let n: number;
      try {
        n = readSync(0, buffer, 0, buffer.length, null);
      } catch (error) {
        if (!isEagain(error)) return;
        yield* process.stdin as AsyncIterable<Buffer>;
        return;
      }
      if (n === 0) return;
      yield Buffer.from(buffer.subarray(0, n));
    }
  }
  return backedBy(() => process.stdin, { [Symbol.asyncIterator]: chunks });
}

export interface StandardOutput extends NodeJS.WritableStream {
  /** The error that stopped output (a full disk, a closed pipe), if any; what was written after it is dropped. */
  failure(): NodeJS.ErrnoException | undefined;
  /** Calls `done` once everything written has left the process (at once, unless the real stream took over). */
  flush(done: () => void): void;
}

/** stdout (1) or stderr (2): plain write(text) calls go straight to write(2); the rest to the real stream. */
export function standardOutput(fd: 1 | 2): StandardOutput {
  let failed: NodeJS.ErrnoException | undefined;
  let stream: NodeJS.WriteStream | undefined;
  const real = (): NodeJS.WriteStream => {
    if (!stream) {
      stream = fd === 1 ? process.stdout : process.stderr;
      // Without a listener an EPIPE or ENOSPC would be an uncaught exception with a stack trace.
      stream.on('error', (error: NodeJS.ErrnoException) => (failed ??= error));
    }
    return stream;
  };
  let direct = true;
  const write = (given: string | Uint8Array, ...rest: unknown[]): boolean => {
    if (failed) return false;
    // Every message and answer this program writes is a string, and none carries a raw control character, whatever
    // a profile name, a config key or an endpoint's answer held (terminal-text.ts). Bytes are another program's
    // output handed over whole (docker/creds-store.ts).
    const chunk = typeof given === 'string' ? escapeControls(given) : given;
    if (direct && rest.length === 0) {
      const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      let offset = 0;
      try {
        while (offset < data.length) offset += writeSync(fd, data, offset);
        return true;
      } catch (error) {
        if (!isEagain(error)) {
          failed = error as NodeJS.ErrnoException;
          return false;
        }
        // From here on the stream writes, so output stays in order; it retries what is left.
        direct = false;
        return real().write(data.subarray(offset));
      }
    }
    direct = false;
    return (real().write as (...args: unknown[]) => boolean)(chunk, ...rest);
  };
  const flush = (done: () => void): void => {
    if (direct || failed || !stream) done();
    else stream.write('', () => done());
  };
  // The real stream has neither failure() nor flush(); `own` supplies them.
  return backedBy(real as unknown as () => StandardOutput, { write, failure: () => failed, flush });
}

/**
 * Whether standard input is a terminal (a person typed the command). Docker's stdin is a pipe, so one fstat
 * answers that case; node:tty is loaded only for a character device, so a run from Docker never loads it.
 */
export function standardInputIsTerminal(): boolean {
  try {
    if (!fstatSync(0).isCharacterDevice()) return false;
  } catch {
    return false; // stdin closed
  }
  return (require('node:tty') as typeof import('node:tty')).isatty(0);
}

/**
 * The bytes already read, as the stdin the protocol layer reads (it only iterates). Not node:stream's Readable,
 * which a cache hit would then have to load.
 */
export function bytesAsStdin(input: Uint8Array): NodeJS.ReadableStream {
  const iterable = {
    async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
      if (input.length > 0) yield Buffer.from(input.buffer, input.byteOffset, input.length);
    },
  };
  // The protocol layer only iterates (and may call destroy, which is optional): the rest of the type is unused.
  return iterable as unknown as NodeJS.ReadableStream;
}
