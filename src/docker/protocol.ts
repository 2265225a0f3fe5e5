// The Docker credential-helper wire format, kept apart from where credentials come from (as in
// docker-credential-helpers' credentials.go). Knows nothing of AWS: a CredentialBackend does the work.
import { safeJson } from '../platform/terminal-text';
import { encodeCredentials, type Credentials } from './answer';
import { CredentialsNotFoundError, HelperError, MissingServerUrlError } from '../platform/errors';
import { readInput } from '../platform/read-input';

export { encodeCredentials, type Credentials };

export interface CredentialBackend {
  get(serverUrl: string): Promise<Credentials>;
  /** Server URL -> user name, for the registries we hold a token for. */
  list(): Promise<Record<string, string>>;
  store(credentials: unknown): Promise<void>;
  erase(serverUrl: string): Promise<void>;
}

export const PROTOCOL_ACTIONS = ['get', 'store', 'erase', 'list'] as const;
export type ProtocolAction = (typeof PROTOCOL_ACTIONS)[number];

export interface ProtocolIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  /** Called with every failure, for the person at the terminal (stderr); the protocol answer goes to stdout. */
  report: (error: HelperError) => void;
}

/** Said on stderr when a person runs `get` at a terminal: without it, `get` waits silently for a host. */
export const GET_AT_TERMINAL =
  'docker-credential-ecr get: reading a registry host on stdin, as Docker sends it (type one and press Ctrl-D); to check your setup, run `docker-credential-ecr doctor`\n';

/** Runs one protocol action; returns the exit code. */
export async function handleAction(
  action: ProtocolAction,
  backend: CredentialBackend,
  io: ProtocolIo,
): Promise<number> {
  try {
    const input = await readInput(io.stdin);
    switch (action) {
      case 'get': {
        if (input.oversized) throw new CredentialsNotFoundError('server URL is oversized');
        if (input.text.trim() === '') throw new MissingServerUrlError();
        io.stdout.write(encodeCredentials(await backend.get(input.text)));
        return 0;
      }
      case 'list':
        io.stdout.write(safeJson(await backend.list()) + '\n');
        return 0;
      case 'store': {
        let parsed: unknown;
        try {
          parsed = input.oversized ? undefined : JSON.parse(input.text);
        } catch {
          parsed = undefined;
        }
        // A request that names no server is refused, not "stored": Docker would report a login that went nowhere.
        const serverUrl = (parsed as { ServerURL?: unknown } | null | undefined)?.ServerURL;
        if (typeof serverUrl !== 'string' || serverUrl === '') {
          throw new HelperError(
            input.oversized
              ? 'the store request is larger than 64 KiB; nothing was stored'
              : 'the store request is not a JSON object with a "ServerURL"; nothing was stored',
          );
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
    const helperError =
      error instanceof HelperError
        ? error
        : new HelperError(`internal error (${error instanceof Error ? error.name : typeof error})`);
    io.report(helperError);
    // As docker-credential-helpers does: the error's message is the answer on stdout, and the exit code is 1.
    io.stdout.write(`${helperError.message}\n`);
    return 1;
  }
}
