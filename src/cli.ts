// Entry logic: argv -> action. Everything from the outside world (streams, environment, clock, home) comes in
// as a parameter, so tests can run it in-process without patching globals.
import { homedir } from 'node:os';
import { isVersionRequest, versionLine } from './platform/version';
import { join } from 'node:path';
import { readSettings, type Env, type LogLevel } from './platform/settings';
import { memoFileName, type HitMemo } from './memo/hit-memo';
import { HitMemoRecorder } from './memo/recorder';
import { writeFileAtomically } from './platform/atomic-write';
import { takeReadJournal } from './platform/read-file';
import { CredentialsNotFoundError, HelperError, MissingServerUrlError } from './platform/errors';
import { ecrBackend } from './docker/backend';
import { KUBELET_MODE, KUBELET_PLUGIN_NAME } from './kubelet/names';
import type { RequestContext } from './tokens/context';
import { selfExecutable } from './platform/runtime';
import { createLogger, printableAscii, type Logger } from './platform/log';
import { GET_AT_TERMINAL, handleAction, PROTOCOL_ACTIONS, type ProtocolAction } from './docker/protocol';
import { handleStoreAction } from './docker/creds-store';

export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Env;
  now: () => number;
  sleep?: (ms: number) => Promise<void>;
  homedir?: () => string | undefined;
  /** The file name the program was started as (`ecr-credential-provider` selects the kubelet mode). */
  invokedAs?: string;
  /** Whether standard input is a terminal: a person typed the command (`get` then says what it waits for). */
  stdinIsTerminal?: () => boolean;
  /** Where this run may write the memo of its cache hit (fast-hit.ts named it from the run's inputs). */
  hitMemo?: { inputDigest: string; cacheDir: string };
}

function safeHomedir(): string | undefined {
  try {
    return homedir() || undefined;
  } catch {
    return undefined; // No HOME and no passwd entry (some containers): run without a default cache location.
  }
}

/** What to tell the person at the terminal about a failure; the protocol answer itself goes to stdout. */
function reportTo(log: Logger): (error: HelperError) => void {
  return (error) => {
    if (error instanceof CredentialsNotFoundError) log.debug(`not serving this server URL: ${error.reason}`);
    else if (error instanceof MissingServerUrlError) log.debug('no server URL on stdin');
    else log.error(error.message);
  };
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  takeReadJournal(); // from here on, the reads that make this run's decision
  const settings = readSettings(io.env, io.homedir ?? safeHomedir);
  // A memo only where a run from it would say the same: nothing beyond warnings, no log file (fast-hit.ts logs nothing).
  const memoDir =
    io.hitMemo && io.hitMemo.cacheDir === settings.cacheDir && QUIET.includes(settings.logLevel) && !settings.logFile
      ? io.hitMemo.cacheDir
      : undefined;
  const recorder = memoDir ? new HitMemoRecorder() : undefined;
  const logger = createLogger({
    level: settings.logLevel,
    stderr: io.stderr,
    ...(settings.logFile ? { file: settings.logFile } : {}),
    now: io.now,
  });
  const log: Logger = recorder
    ? { ...logger, warn: (m) => (recorder.spoil(), logger.warn(m)), error: (m) => (recorder.spoil(), logger.error(m)) }
    : logger;
  log.secret(io.env.AWS_SECRET_ACCESS_KEY ?? '');
  log.secret(io.env.AWS_SESSION_TOKEN ?? '');
  for (const ignored of settings.ignored) log.warn(ignored);
  if (settings.badLogLevel)
    log.warn(
      `DOCKER_CREDENTIAL_ECR_LOG=${settings.badLogLevel} is not one of debug, info, warn, error, off; using warn`,
    );
  const sleep = io.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const deps = { settings, env: io.env, log, now: io.now, sleep, ...(recorder ? { hitMemo: recorder } : {}) };
  const code = await dispatch(argv, io, deps);
  if (code === 0 && recorder && memoDir)
    writeHitMemo(memoDir, io.hitMemo!.inputDigest, recorder.memo(memoDir, takeReadJournal(), io.now()));
  // Shows that a cache hit never loads the AWS SDK chunk (test/e2e/executable.test.ts reads this line).
  if (selfExecutable()) log.debug(`chunks loaded: ${loadedChunks().join(', ') || 'none besides the entry'}`);
  return code;
}

/**
 * The chunks of the compiled executable that have been loaded so far (file names inside it, e.g. `sdk-1a2b.js`),
 * for the debug log; empty under Node. The entry chunk itself is not listed. Here, not in platform/runtime.ts: any
 * `require` in a module of the entry's makes a hit and `version` load the bundler's helper chunk too (0.12 M
 * instructions, 0.3 MiB; docs/performance.md).
 */
function loadedChunks(): string[] {
  if (!selfExecutable() || typeof require === 'undefined') return [];
  return Object.keys(require.cache).map((path) => path.slice(path.lastIndexOf('/') + 1));
}

/** One line typed at the terminal (standard input), for a command's question. */
function asker(io: CliIo): ((question: string) => Promise<string | undefined>) | undefined {
  if (!io.stdinIsTerminal?.()) return undefined;
  return async (question) => {
    io.stderr.write(question);
    let line = '';
    for await (const chunk of io.stdin as AsyncIterable<Buffer | string>) {
      line += chunk.toString();
      if (line.includes('\n')) break;
    }
    return line.split(/\r?\n/)[0];
  };
}

const HELP_FLAGS = ['--help', '-h'];
const QUIET: readonly LogLevel[] = ['warn', 'error', 'off'];

/** Best effort, like every cache write: a memo that cannot be written only means the next hit takes the full path. */
function writeHitMemo(dir: string, inputDigest: string, memo: HitMemo | undefined): void {
  if (!memo) return;
  try {
    writeFileAtomically(join(dir, memoFileName(inputDigest)), JSON.stringify(memo), { durable: false });
  } catch {
    // A full disk, a directory turned read-only: the cache itself has said so if it matters.
  }
}

async function dispatch(argv: readonly string[], io: CliIo, deps: RequestContext): Promise<number> {
  const { log } = deps;
  const action = argv[0];

  if ((argv.length === 1 && action === KUBELET_MODE) || (argv.length === 0 && io.invokedAs === KUBELET_PLUGIN_NAME)) {
    // A chunk of its own: a Docker `get` never loads the kubelet's wire format.
    const { runKubeletProvider } = await import('./kubelet/provider');
    return runKubeletProvider({ stdin: io.stdin, stdout: io.stdout, report: (message) => log.error(message) }, deps);
  }

  if (argv.length === 1 && (PROTOCOL_ACTIONS as readonly string[]).includes(action)) {
    if (action === 'get' && io.stdinIsTerminal?.()) {
      // A person typed `get`: without this line it waits silently for a host that Docker would have sent.
      io.stderr.write(GET_AT_TERMINAL);
    }
    // As Docker's credsStore, hosts we do not serve go on to another store (src/docker/creds-store.ts).
    return handleStoreAction(action as ProtocolAction, io, deps, (stdin, stdout) =>
      handleAction(action as ProtocolAction, ecrBackend(deps), { stdin, stdout, report: reportTo(log) }),
    );
  }
  if (action === 'login-password' || action === 'dockerconfigjson' || action === 'pull-secret') {
    const { runTokenOutput } = await import('./commands/token-output');
    return runTokenOutput(action, argv.slice(1), { ...deps, stdout: io.stdout, stderr: io.stderr });
  }
  if (isVersionRequest(argv)) {
    io.stdout.write(versionLine());
    return 0;
  }
  const ask = asker(io);
  const commandIo = { ...deps, stdout: io.stdout, stderr: io.stderr, ...(ask ? { ask } : {}) };
  if (action === 'configure') {
    // Commands are dynamic imports too: chunks of their own, never loaded by `get`.
    const { runConfigure } = await import('./commands/configure');
    return runConfigure(argv.slice(1), commandIo);
  }
  if (action === 'doctor') {
    const { runDoctor } = await import('./commands/doctor');
    return runDoctor(argv.slice(1), commandIo);
  }
  if (action === 'kubelet-config') {
    const { runKubeletConfig } = await import('./commands/kubelet-config');
    return runKubeletConfig(argv.slice(1), commandIo);
  }
  const help = await import('./commands/help');
  if (action === undefined) {
    io.stderr.write(`docker-credential-ecr: no command given\n\n${help.overview()}`);
    return 1;
  }
  if (action === 'help' || HELP_FLAGS.includes(action)) {
    const topic = action === 'help' ? argv[1] : undefined;
    if (topic === undefined) {
      io.stdout.write(help.overview());
      return 0;
    }
    if (HELP_FLAGS.includes(topic)) {
      io.stdout.write(help.commandHelp('help')!.text);
      return 0;
    }
    const found =
      help.commandHelp(topic) ?? (topic === KUBELET_PLUGIN_NAME ? help.commandHelp(KUBELET_MODE) : undefined);
    if (!found) return unknownCommand(topic, io, help);
    if (found.text === '') return dispatch([found.name, '--help'], io, deps); // the command prints its own
    io.stdout.write(found.text);
    return 0;
  }
  const known = help.commandHelp(action);
  if (known) {
    // `get --help`, `kubelet-credential-provider -h`: Docker and the kubelet never add an argument.
    if (argv.length === 2 && HELP_FLAGS.includes(argv[1])) {
      io.stdout.write(known.text);
      return 0;
    }
    io.stderr.write(
      `docker-credential-ecr: ${action} takes no arguments (Docker runs it with exactly one: the action); see \`docker-credential-ecr help ${action}\`\n`,
    );
    return 1;
  }
  return unknownCommand(action, io, help);
}

function unknownCommand(typed: string, io: CliIo, help: typeof import('./commands/help')): number {
  const near = help.nearestCommand(typed);
  io.stderr.write(
    `docker-credential-ecr: unknown command "${printableAscii(typed)}"${near ? `; did you mean \`docker-credential-ecr ${near}\`?` : ''}\n` +
      'Run `docker-credential-ecr help` for the list of commands.\n',
  );
  return 1;
}
