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

/** Makes text safe for a terminal: no escape sequences or control characters from hostile input. */
export function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (ch) => {
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
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
      fd = openSync(options.file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0), 0o600);
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
