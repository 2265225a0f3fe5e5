// Entry logic: argv -> action. Everything from the outside world (streams, environment, clock, home) comes in
// as a parameter, so tests can run it in-process without patching globals.
import { homedir } from 'node:os';
import { version } from '../package.json';
import { readSettings, type Env } from './config';
import { CredentialsNotFoundError, HelperError, MissingServerUrlError, UsageError } from './errors';
import { ecrBackend } from './ecr-backend';
import { loadHeavy } from './heavy-loader';
import { createLogger, type Logger } from './log';
import { handleAction, PROTOCOL_ACTIONS, usage, type ProtocolAction } from './protocol';

export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Env;
  now: () => number;
  sleep?: (ms: number) => Promise<void>;
  homedir?: () => string | undefined;
}

export const VERSION = version;

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
  const settings = readSettings(io.env, io.homedir ?? safeHomedir);
  const log = createLogger({ level: settings.logLevel, stderr: io.stderr, ...(settings.logFile ? { file: settings.logFile } : {}), now: io.now });
  log.secret(io.env.AWS_SECRET_ACCESS_KEY ?? '');
  log.secret(io.env.AWS_SESSION_TOKEN ?? '');
  if (settings.badLogLevel) log.warn(`DOCKER_CREDENTIAL_ECR_LOG=${settings.badLogLevel} is not one of debug, info, warn, error, off; using warn`);
  const sleep = io.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const deps = { settings, env: io.env, log, now: io.now, sleep };
  const action = argv[0];

  if (argv.length === 1 && (PROTOCOL_ACTIONS as readonly string[]).includes(action!)) {
    return handleAction(action as ProtocolAction, ecrBackend(deps), { stdin: io.stdin, stdout: io.stdout, report: reportTo(log) });
  }
  if (action === 'version' || action === '--version' || action === '-v') {
    io.stdout.write(`docker-credential-ecr ${VERSION}\n`);
    return 0;
  }
  if (action === 'configure') {
    const { runConfigure } = loadHeavy();
    return runConfigure(argv.slice(1), { ...deps, stdout: io.stdout, stderr: io.stderr });
  }
  if (action === 'doctor') {
    const { runDoctor } = loadHeavy();
    return runDoctor(argv.slice(1), { ...deps, stdout: io.stdout, stderr: io.stderr });
  }
  if (action === 'help' || action === '--help' || action === '-h') {
    io.stdout.write(`${usage().message}\n`);
    return 0;
  }
  const error: UsageError = usage();
  io.stderr.write(`${error.message}\n`);
  return 1;
}
