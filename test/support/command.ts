// Runs a real client (docker, skopeo, aws) asynchronously, with exactly the environment given: the fakes
// serve from this same process, so a synchronous spawn would deadlock against them.
import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function runCommand(
  file: string,
  args: readonly string[],
  options: { env: Record<string, string>; stdin?: string; timeoutMs?: number; cwd?: string },
): Promise<CommandResult> {
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(file, args, {
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', fail);
    child.stdin.on('error', () => undefined);
    // A hung client must not hang the suite; the kill shows up as signal SIGKILL in the result.
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ms: performance.now() - started,
      });
    });
    child.stdin.end(options.stdin ?? '');
  });
}

/** For assertion messages: everything a failed command said. */
export function transcript(result: CommandResult): string {
  return `exit ${result.code ?? result.signal}\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}`;
}
