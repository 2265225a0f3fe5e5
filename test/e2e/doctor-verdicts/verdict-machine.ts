// What the doctor-verdict tests share (*.test.ts beside this file): a machine to run the built executable on, and
// reading doctor's verdict lines and applying the fixes they print exactly as printed, since the promise under test
// is that every fix works as typed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeAws } from '../../support/fake-aws';
import { EXECUTABLE, runExecutable, type ExeResult } from '../../support/executable';
import { helperEnv } from '../../support/helper-bin';
import { tempDir } from '../../support/temp';

export const ACCOUNT = '123456789012';
export const HOST = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`;
export const IMAGE = `${HOST}/team/app:1`;

export interface Machine {
  home: string;
  bin: string;
  dockerConfig: string;
  env: Record<string, string>;
}

/**
 * machine(config, extra): a HOME with the built executable on PATH, keys for the fake in the environment, and `config`
 * as ~/.docker/config.json.
 */
export function machineOn(fake: Pick<FakeAws, 'url'>): (config: unknown, extra?: Record<string, string>) => Machine {
  return (config, extra = {}) => {
    const home = tempDir('dce-verdict-home-');
    const bin = join(home, 'bin');
    mkdirSync(bin);
    symlinkSync(EXECUTABLE, join(bin, 'docker-credential-ecr'));
    mkdirSync(join(home, '.docker'));
    const dockerConfig = join(home, '.docker', 'config.json');
    if (config !== undefined)
      writeFileSync(dockerConfig, typeof config === 'string' ? config : JSON.stringify(config, null, '\t'));
    const env: Record<string, string> = {
      ...helperEnv(fake.url, home),
      PATH: `${bin}:/usr/bin:/bin`,
      AWS_REGION: 'eu-west-1',
      ...extra,
    };
    for (const [k, v] of Object.entries(env)) if (v === '') delete env[k];
    return { home, bin, dockerConfig, env };
  };
}

export const run = (m: Machine, args: string[]): Promise<ExeResult> => runExecutable(args, { env: m.env });
export const doctor = (m: Machine, ...args: string[]): Promise<ExeResult> => run(m, ['doctor', ...args]);

/** The output line that reports `status` and matches `pattern`. */
export function line(result: ExeResult, status: 'ok' | 'warn' | 'fail', pattern: RegExp): string {
  const found = result.stdout.split('\n').find((l) => l.startsWith(`${status.padEnd(4)}  `) && pattern.test(l));
  assert.ok(found, `no "${status}" line matching ${pattern} in:\n${result.stdout}${result.stderr}`);
  return found;
}

/** The text after "; fix: " on a line: the command doctor tells the person to type. */
export function fixOf(verdict: string): string {
  const fix = verdict.split('; fix: ')[1];
  assert.ok(fix, `no fix on: ${verdict}`);
  return fix;
}

/** Runs a `docker-credential-ecr ...` fix line with the machine's environment (it is one command, no shell syntax). */
export async function apply(m: Machine, fix: string): Promise<ExeResult> {
  const words = fix.replace(/ \(.*\)$/, '').split(' ');
  assert.equal(words[0], 'docker-credential-ecr', `not a command of ours: ${fix}`);
  const result = await run(m, words.slice(1));
  assert.equal(result.code, 0, result.stdout + result.stderr);
  return result;
}

export const esc = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface TerminalSession {
  code: number | null;
  terminal: string;
}

/** `command` with a pseudo-terminal as stdin, stdout and controlling terminal (util-linux `script`); each prompt is answered. */
export function onTerminal(
  env: Record<string, string>,
  command: string,
  answers: [RegExp, string][],
  end?: string,
): Promise<TerminalSession> {
  return new Promise((resolve, fail) => {
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
      env: { ...env, PATH: `${env.PATH}:${process.env.PATH}` },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let terminal = '';
    const pending = [...answers];
    const collect = (chunk: Buffer): void => {
      terminal += chunk.toString();
      const next = pending[0];
      if (next && next[0].test(terminal)) {
        pending.shift();
        child.stdin.write(`${next[1]}\r`);
        if (pending.length === 0 && end !== undefined) child.stdin.write(end);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', fail);
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, terminal });
    });
  });
}
