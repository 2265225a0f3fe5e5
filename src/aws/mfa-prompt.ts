// The MFA code for a profile with `mfa_serial`, asked for on the controlling terminal. Never on stdin or stdout:
// those carry Docker's protocol. `docker pull` in a shell leaves its terminal to the helper, so the person who
// started the pull sees the prompt; a pull without a terminal (CI, systemd, the kubelet) fails at once, saying
// what to do instead. The code is never cached: the ECR token it unlocks is, for its whole life.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { escapeControls } from '../platform/terminal-text';
import { TokenFetchError } from '../platform/errors';
import { hostOs } from '../platform/host-os';

export interface MfaPromptOptions {
  profile: string | undefined;
  /** The host being pulled from, for the prompt and the error. */
  host: string;
  /** Called before the prompt shows and after it is answered: the caller stops its clocks meanwhile. */
  onPrompt?: (prompting: boolean) => void;
}

/** A 6-digit TOTP code is what AWS takes; anything longer than a line is not one. */
const MAX_LINE = 256;

export class MfaUnavailableError extends TokenFetchError {
  override name = 'MfaUnavailableError';
}

function readLine(fd: number): string {
  const buffer = Buffer.alloc(1);
  let line = '';
  for (;;) {
    const n = readSync(fd, buffer, 0, 1, null);
    if (n === 0) return line; // end of input (the terminal closed)
    const c = buffer.toString('latin1');
    if (c === '\n' || c === '\r') return line;
    if (line.length < MAX_LINE) line += c;
  }
}

/** The SDK's `mfaCodeProvider`: (serial) => Promise<code>. */
export function terminalMfaCodeProvider(options: MfaPromptOptions): (serial: string) => Promise<string> {
  const who = options.profile ? `profile ${options.profile}` : 'the default profile';
  return async (serial) => {
    let fd: number;
    let out: number;
    try {
      // The controlling terminal, whatever stdin and stdout are (test/e2e/credential-setups.test.ts gives the
      // executable a real pseudo-terminal): /dev/tty, or on Windows the console's CONIN$ and CONOUT$.
      const { input, output } = hostOs.terminal;
      fd = openSync(input, 'r+');
      try {
        out = output === input ? fd : openSync(output, 'w');
      } catch (error) {
        closeSync(fd);
        throw error;
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new MfaUnavailableError(
        `${options.host}: ${who} needs an MFA code (mfa_serial ${serial}), and there is no terminal to ask for it on (${code})`,
        `pull once from a terminal (the token is then cached for 12 hours), or put a session in the environment first (AWS CLI v2): ` +
          hostOs.sessionIntoEnvironmentCommand(options.profile),
        'mfa-required',
      );
    }
    options.onPrompt?.(true);
    try {
      // Straight to the terminal, past stdio.ts: a profile name or serial from the environment or the config is escaped here.
      writeSync(
        out,
        escapeControls(`docker-credential-ecr: MFA code for ${who} (${serial}) to pull from ${options.host}: `),
      );
      const code = readLine(fd).trim();
      if (!/^\d{6}$/.test(code)) {
        writeSync(out, '\n');
        throw new TokenFetchError(
          `${options.host}: ${who}: no valid MFA code was entered (6 digits)`,
          'run the pull again and type the code your MFA device shows',
          'mfa-required',
        );
      }
      return code;
    } finally {
      options.onPrompt?.(false);
      closeSync(fd);
      if (out !== fd) closeSync(out);
    }
  };
}
