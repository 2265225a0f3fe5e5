// Runs the CLI in-process with the given stdin, environment and clock, and collects what it wrote.
import { Readable, Writable } from 'node:stream';
import { runCli } from '../../src/cli';
import type { Env } from '../../src/platform/settings';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

export async function runInProcess(
  argv: string[],
  options: { stdin?: string | Buffer; env: Env; now?: () => number },
): Promise<CliResult> {
  const stdout = collector();
  const stderr = collector();
  const code = await runCli(argv, {
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: options.env,
    now: options.now ?? (() => Date.now()),
    homedir: () => options.env.HOME,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
