// Runs a command the docs show, as written, through /bin/sh, and records that it ran: scripts/test.mjs sets
// DOC_COMMANDS_LOG to a directory, each test process appends one JSON line per command to <dir>/<pid>.jsonl, and
// after a run that included every test file that imports this module, test/docs/doc-coverage-check.ts compares
// what ran with what the docs show (CONTRIBUTING.md, "Commands in the docs").
import assert from 'node:assert/strict';
import {
  appendFileSync,
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { extractCommands, type ShownCommand } from './doc-commands';
import { runCommand, type CommandResult } from './command';
import { NOT_COMMANDS, STAND_INS } from '../docs/doc-exemptions';
import { shellQuote } from './shell';

export const REPO = resolve(__dirname, '../..');
export const NOT_COMMAND_SPANS: ReadonlySet<string> = new Set(Object.keys(NOT_COMMANDS));

/** One line of the log. */
export interface DocRunRecord {
  shell: string;
  text: string;
  file: string;
  line: number;
  /** The test file that ran it. */
  by: string;
  standIns: string[];
}

/** The command `text` as `file` shows it (the first place), or a failure naming the file. */
export function docCommand(file: string, text: string, shell: ShownCommand['shell'] = 'sh'): ShownCommand {
  const all = extractCommands(file, readFileSync(join(REPO, file), 'utf8'), NOT_COMMAND_SPANS);
  const found = all.find((c) => c.text === text && c.shell === shell);
  assert.ok(
    found,
    `${file} no longer shows the command ${JSON.stringify(text)} (it shows: ${all.map((c) => `${c.line}: ${c.text}`).join('; ')})`,
  );
  return found;
}

/** Every `$ ` line of file with this text, in order (a transcript may show one command twice). */
export function docTranscripts(file: string, text: string): ShownCommand[] {
  const all = extractCommands(file, readFileSync(join(REPO, file), 'utf8'), NOT_COMMAND_SPANS).filter(
    (c) => c.kind === 'prompt' && c.text === text,
  );
  assert.ok(all.length > 0, `${file} shows no transcript of ${JSON.stringify(text)}`);
  return all;
}

/** Placeholders replaced, longest first, as whole words: { 'HOST...': 'a b', HOST: 'a' }. */
export function substitute(text: string, values: Readonly<Record<string, string>>): string {
  let out = text;
  for (const key of Object.keys(values).sort((a, b) => b.length - a.length)) {
    const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(?<![\\w-])${escaped}(?![\\w-])`, 'g'), () => values[key]);
  }
  return out;
}

export interface DocRunOptions {
  env: Record<string, string>;
  cwd?: string;
  stdin?: string;
  /** Values for the command's placeholders (HOST, <host>, HOST..., [--namespace NS]); the rest runs as written. */
  values?: Readonly<Record<string, string>>;
  /**
   * Placeholders a page writes inside a word (VERSION in docker-credential-ecr-vVERSION.linux-amd64.tar.gz), which
   * the whole-word rule of `values` cannot reach: replaced wherever they occur, after `values`.
   */
  inWords?: Readonly<Record<string, string>>;
  /** Shell lines run first, in the same shell and namespace (what the page assumes is already there). */
  before?: string;
  /** Shell lines run after, in the same shell (the command's variables are set); their output is `after`. */
  after?: string;
  /** Programs replaced by a script that records its arguments and stdin (each must be listed in STAND_INS). */
  standIns?: readonly string[];
  /**
   * Run inside a private mount namespace whose /etc and /usr/local are overlays (writes land in `scratch`'s upper
   * directories, never on this machine), with a `sudo` that runs its command as is (the tests run as root).
   */
  scratch?: string;
  /** Run on a pseudo-terminal (util-linux `script`): stdin is what is typed; stdout is the terminal's, stderr in it. */
  terminal?: boolean;
  /** Runs the script elsewhere (another root, another user): the [file, args] to spawn; `after` is not available. */
  launch?: (script: string) => [string, string[]];
  timeoutMs?: number;
}

export interface DocRunResult extends CommandResult {
  /** The script that ran, placeholders filled in. */
  ran: string;
  /** Output of `after`. */
  after: string;
  /** What each stand-in was called with: its arguments, one per line, and its stdin. */
  calls: Record<string, { args: string[]; stdin: string }[]>;
}

/** Runs `command` as the docs show it and records that it ran. */
export async function runDocCommand(command: ShownCommand, options: DocRunOptions): Promise<DocRunResult> {
  assert.equal(command.shell, 'sh', `${command.file}:${command.line}: only /bin/sh commands run here`);
  const ran = Object.entries(options.inWords ?? {}).reduce(
    (text, [key, value]) => text.split(key).join(value),
    substitute(command.text, options.values ?? {}),
  );
  // Stand-ins, the sudo shim and the output of `after`; removed when the command is done.
  const work = mkdtempSync(join(tmpdir(), 'dce-doc-run-'));
  const afterOut = join(work, 'after.out');
  const bin = join(work, 'bin');
  mkdirSync(bin);
  for (const program of options.standIns ?? []) {
    assert.ok(
      STAND_INS[program],
      `${program}: a stand-in must be listed, with why, in test/docs/doc-exemptions.ts STAND_INS`,
    );
    standIn(bin, program, work);
  }
  if (options.scratch) writeScript(join(bin, 'sudo'), 'exec "$@"');
  assert.ok(!(options.launch && options.after), 'a launched script cannot write `after` where this process reads it');
  const script = [
    options.before ?? '',
    ran,
    'doc_status=$?',
    options.after ? `{\n${options.after}\n} > ${shellQuote(afterOut)} 2>&1` : '',
    'exit $doc_status',
  ].join('\n');
  const env = { ...options.env, PATH: `${bin}:${options.env.PATH ?? process.env.PATH ?? ''}` };
  const [file, args] = options.launch
    ? options.launch(script)
    : options.scratch
      ? inScratchRoot(options.scratch, script)
      : options.terminal
        ? ['script', ['-q', '-e', '-c', `/bin/sh -c ${shellQuote(script)}`, '/dev/null']]
        : ['/bin/sh', ['-c', script]];
  const result = await runCommand(file, args, {
    env,
    timeoutMs: options.timeoutMs ?? 60_000,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
  });
  record(command, [...(options.standIns ?? [])]);
  const calls = Object.fromEntries(
    (options.standIns ?? []).map((p) => [
      p,
      readdirSync(work)
        .filter((f) => f.startsWith(`${p}.call.`))
        .sort()
        .map((f) => {
          const [args, stdin] = readFileSync(join(work, f), 'utf8').split('\0--stdin--\0');
          return { args: args.split('\0').slice(0, -1), stdin: stdin ?? '' };
        }),
    ]),
  );
  let after = '';
  try {
    after = readFileSync(afterOut, 'utf8');
  } catch {
    // The script never got that far (killed): nothing to show.
  }
  rmSync(work, { recursive: true, force: true });
  return { ...result, ran, after, calls };
}

function writeScript(path: string, body: string): void {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

/** A program that writes down its arguments and stdin (the test judges them) and succeeds. */
function standIn(bin: string, program: string, work: string): void {
  const call = `${shellQuote(join(work, `${program}.call.`))}$(date +%s%N)`;
  writeScript(
    join(bin, program),
    [
      `f=${call}`,
      `printf '%s\\0' "$@" > "$f"`,
      `printf '\\0--stdin--\\0' >> "$f"`,
      `cat >> "$f"`,
      `echo "${program} (stand-in): called"`,
    ].join('\n'),
  );
}

/** /bin/sh in a private mount namespace with /etc and /usr/local as overlays whose writes land under scratch. */
function inScratchRoot(scratch: string, script: string): [string, string[]] {
  const mounts = ['etc', 'usr/local'].map((dir) => {
    const name = dir.replace('/', '-');
    for (const part of ['upper', 'work']) mkdirSync(join(scratch, `${name}-${part}`), { recursive: true });
    return `mount -t overlay overlay -o ${shellQuote(`lowerdir=/${dir},upperdir=${join(scratch, `${name}-upper`)},workdir=${join(scratch, `${name}-work`)}`)} /${dir}`;
  });
  return [
    'unshare',
    ['-m', '--propagation', 'private', '/bin/sh', '-c', `${mounts.join(' && ')} && exec /bin/sh -c "$1"`, 'sh', script],
  ];
}

/** Where a scratch root's write to an absolute path under /etc or /usr/local landed. */
export function scratchPath(scratch: string, path: string): string {
  const dir = path.startsWith('/etc/') ? 'etc' : path.startsWith('/usr/local/') ? 'usr/local' : undefined;
  assert.ok(dir, `${path} is not under /etc or /usr/local`);
  return join(scratch, `${dir.replace('/', '-')}-upper`, path.slice(dir.length + 2));
}

/** Logs that `command` ran (runDocCommand does this itself; a runner for another shell calls it). */
export function record(command: ShownCommand, standIns: string[] = []): void {
  const dir = process.env.DOC_COMMANDS_LOG;
  if (!dir) return;
  const by = process.argv[1] ? relative(REPO, process.argv[1]) : 'unknown';
  const entry: DocRunRecord = {
    shell: command.shell,
    text: command.text,
    file: command.file,
    line: command.line,
    by,
    standIns,
  };
  appendFileSync(join(dir, `${process.pid}.jsonl`), `${JSON.stringify(entry)}\n`);
}
