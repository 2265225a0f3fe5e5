// Runs the built single executable, dist/docker-credential-ecr, as Docker does: one argument, stdin, a
// controlled environment (nothing leaks in from the test runner's own environment).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const EXECUTABLE = resolve(__dirname, '../../dist/docker-credential-ecr');

export interface ExeResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function assertBuilt(): void {
  if (!existsSync(EXECUTABLE)) throw new Error(`${EXECUTABLE} is missing: run \`npm run build\` first`);
}

export function runExecutable(
  args: string[],
  options: {
    stdin?: string | Buffer;
    env: Record<string, string | undefined>;
    killAfterMs?: number;
    /** Another path to the executable (e.g. a symlink under another name). */
    exe?: string;
    /** The working directory (default: this process's). */
    cwd?: string;
    /** An open file descriptor to use as the executable's stdin or stdout instead of a pipe. */
    stdinFd?: number;
    stdoutFd?: number;
  },
): Promise<ExeResult> {
  assertBuilt();
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(options.exe ?? EXECUTABLE, args, {
      env: { PATH: process.env.PATH, ...options.env },
      stdio: [options.stdinFd ?? 'pipe', options.stdoutFd ?? 'pipe', 'pipe'],
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk)); // always a pipe
    child.on('error', fail);
    child.stdin?.on('error', () => undefined); // the helper may stop reading an oversized input early
    const timer =
      options.killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      done({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ms: performance.now() - started,
      });
    });
    child.stdin?.end(options.stdin ?? '');
  });
}
