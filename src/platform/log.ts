// Messages for people: stderr (which the docker CLI shows), optionally also a file. Never stdout, which
// carries only the protocol. A few lines of our own rather than a logging library: we need levels, a file
// with mode 0600 and a secret filter, and nothing that costs start-up time on the cache-hit path.
import { constants, fchmodSync, fstatSync, openSync, closeSync, writeSync } from 'node:fs';
import { LOG_LEVELS, type LogLevel } from './settings';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Registers a value that must never be written, whatever message it turns up in. */
  secret(value: string): void;
  enabled(level: LogLevel): boolean;
}

export interface LoggerOptions {
  level: LogLevel;
  stderr: NodeJS.WritableStream;
  file?: string;
  now: () => number;
}

const PREFIX = 'docker-credential-ecr';

/**
 * Control and invisible characters: C0, DEL, C1 (U+009B starts an escape sequence too), format characters (bidi
 * overrides and isolates, zero-width), line and paragraph separators, lone surrogates, private and unassigned code
 * points. What can move the cursor, recolour a terminal, start a workflow command or reorder what a person reads.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}]/gu;
const NOT_ASCII = /[^\x20-\x7e]/gu;

function escapeChar(ch: string): string {
  const code = ch.codePointAt(0)!;
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
  return code < 0x10000 ? `\\u${code.toString(16).padStart(4, '0')}` : `\\u{${code.toString(16)}}`;
}

/**
 * Makes text safe for a terminal: no escape sequences or control characters from hostile input. Letters of any
 * script pass, so a path like /home/jürgen prints as itself and a printed command can be pasted.
 */
export function printable(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/**
 * printable, and every letter outside ASCII escaped too: for a registry host as someone typed it, where a
 * look-alike letter (a Cyrillic "а" in amazonaws.com) must be visible as what it is.
 */
export function printableAscii(text: string): string {
  return text.replace(NOT_ASCII, escapeChar);
}

export function createLogger(options: LoggerOptions): Logger {
  const threshold = LOG_LEVELS.indexOf(options.level);
  const secrets = new Set<string>();
  let fileBroken = false;
  let fd: number | undefined;
  if (options.file) {
    const refused = (why: string): void => {
      fileBroken = true;
      options.stderr.write(`${PREFIX}: warning: not writing log file ${printable(options.file!)} (${why})\n`);
    };
    try {
      // Never through a symlink (another user's link in /tmp would make us chmod and append to its target), never
      // blocking on a FIFO, and only a regular file of our own: chmod and append act on exactly what was opened.
      fd = openSync(
        options.file,
        constants.O_WRONLY |
          constants.O_APPEND |
          constants.O_CREAT |
          (constants.O_NOFOLLOW ?? 0) |
          (constants.O_NONBLOCK ?? 0),
        0o600,
      );
      const stat = fstatSync(fd);
      const uid = process.getuid?.();
      if (!stat.isFile()) refused('not a regular file');
      else if (uid !== undefined && stat.uid !== uid) refused(`it belongs to uid ${stat.uid}`);
      // A second name for someone else's file (a hard link in /tmp) is refused like a symlink.
      else if (stat.nlink > 1) refused('it has other hard links');
      else fchmodSync(fd, 0o600);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      refused(code === 'ELOOP' ? 'it is a symbolic link' : (code ?? 'error'));
    }
    if (fileBroken && fd !== undefined) {
      closeSync(fd);
      fd = undefined;
    }
  }
  const scrub = (message: string): string => {
    let text = message;
    for (const secret of secrets) if (secret.length >= 8) text = text.split(secret).join('***');
    return printable(text);
  };
  const emit = (level: LogLevel, message: string): void => {
    if (LOG_LEVELS.indexOf(level) < threshold) return;
    const text = scrub(message);
    const tag = level === 'warn' ? 'warning: ' : level === 'error' ? '' : `${level}: `;
    options.stderr.write(`${PREFIX}: ${tag}${text}\n`);
    if (fd !== undefined && !fileBroken) {
      try {
        writeSync(fd, `${new Date(options.now()).toISOString()} ${process.pid} ${level} ${text}\n`);
      } catch {
        fileBroken = true;
      }
    }
  };
  return {
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    error: (m) => emit('error', m),
    secret: (value) => {
      if (value) secrets.add(value);
    },
    enabled: (level) => LOG_LEVELS.indexOf(level) >= threshold && threshold < LOG_LEVELS.indexOf('off'),
  };
}
