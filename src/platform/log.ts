// Messages for people: stderr (which the docker CLI shows), optionally also a file. Never stdout, which
// carries only the protocol. A few lines of our own rather than a logging library: we need levels, a file
// with mode 0600 and a secret filter, and nothing that costs start-up time on the cache-hit path.
import { appendFileSync, chmodSync, openSync, closeSync } from 'node:fs';
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
  return text.replace(/[^\x20-\x7e]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0').slice(-2)}`);
}

export function createLogger(options: LoggerOptions): Logger {
  const threshold = LOG_LEVELS.indexOf(options.level);
  const secrets = new Set<string>();
  let fileBroken = false;
  if (options.file) {
    try {
      // Create with 0600 before the first append; an existing file is tightened too.
      closeSync(openSync(options.file, 'a', 0o600));
      chmodSync(options.file, 0o600);
    } catch {
      fileBroken = true;
      options.stderr.write(`${PREFIX}: warning: cannot write log file ${printable(options.file)}\n`);
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
    if (options.file && !fileBroken) {
      try {
        appendFileSync(options.file, `${new Date(options.now()).toISOString()} ${process.pid} ${level} ${text}\n`, { mode: 0o600 });
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
