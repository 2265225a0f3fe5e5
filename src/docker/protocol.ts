// The Docker credential-helper wire format, kept apart from where credentials come from (as in
// docker-credential-helpers' credentials.go). Knows nothing of AWS: a CredentialBackend does the work.
import { CredentialsNotFoundError, HelperError, MissingServerUrlError, UsageError } from '../platform/errors';

export interface Credentials {
  ServerURL: string;
  Username: string;
  Secret: string;
}

export interface CredentialBackend {
  get(serverUrl: string): Promise<Credentials>;
  /** Server URL -> user name, for the registries we hold a token for. */
  list(): Promise<Record<string, string>>;
  store(credentials: unknown): Promise<void>;
  erase(serverUrl: string): Promise<void>;
}

export const PROTOCOL_ACTIONS = ['get', 'store', 'erase', 'list'] as const;
export type ProtocolAction = (typeof PROTOCOL_ACTIONS)[number];

/** The most stdin we read; a server URL is a few dozen bytes and `store` a few kilobytes. */
export const MAX_INPUT_BYTES = 64 * 1024;

/** Reads stdin up to MAX_INPUT_BYTES; past that, stops reading and reports the input as oversized. */
export async function readInput(stdin: NodeJS.ReadableStream): Promise<{ text: string; oversized: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > MAX_INPUT_BYTES) {
      (stdin as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      return { text: '', oversized: true };
    }
    chunks.push(buffer);
  }
  // Invalid UTF-8 becomes U+FFFD, which host parsing then refuses.
  return { text: Buffer.concat(chunks).toString('utf8'), oversized: false };
}

export interface ProtocolIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  /** Called with every failure, for the person at the terminal (stderr); the protocol answer goes to stdout. */
  report: (error: HelperError) => void;
}

/** Runs one protocol action; returns the exit code. */
export async function handleAction(action: ProtocolAction, backend: CredentialBackend, io: ProtocolIo): Promise<number> {
  try {
    const input = await readInput(io.stdin);
    switch (action) {
      case 'get': {
        if (input.oversized) throw new CredentialsNotFoundError('server URL is oversized');
        if (input.text.trim() === '') throw new MissingServerUrlError();
        const credentials = await backend.get(input.text);
        io.stdout.write(JSON.stringify({ ServerURL: credentials.ServerURL, Username: credentials.Username, Secret: credentials.Secret }) + '\n');
        return 0;
      }
      case 'list':
        io.stdout.write(JSON.stringify(await backend.list()) + '\n');
        return 0;
      case 'store': {
        let parsed: unknown;
        try {
          parsed = input.oversized ? undefined : JSON.parse(input.text);
        } catch {
          parsed = undefined;
        }
        await backend.store(parsed);
        return 0;
      }
      case 'erase':
        if (input.oversized || input.text.trim() === '') throw new MissingServerUrlError();
        await backend.erase(input.text);
        return 0;
    }
  } catch (error) {
    const helperError = error instanceof HelperError ? error : new HelperError(`internal error (${error instanceof Error ? error.name : typeof error})`);
    io.report(helperError);
    // As docker-credential-helpers does: the error's message is the answer on stdout, and the exit code is 1.
    io.stdout.write(`${helperError.message}\n`);
    return 1;
  }
}

export function usage(): UsageError {
  return new UsageError('usage: docker-credential-ecr <get|store|erase|list|version|configure|doctor> (Docker runs get, store, erase and list itself)');
}
