// Entry logic: argv -> action. Everything from the outside world (streams, environment, clock, home) comes in
// as a parameter, so tests can run it in-process without patching globals.
import { homedir } from 'node:os';
import { version } from '../package.json';
import { readSettings, type Env } from './platform/settings';
import { CredentialsNotFoundError, HelperError, MissingServerUrlError, UsageError } from './platform/errors';
import { ecrBackend } from './docker/backend';
import { runKubeletProvider } from './kubelet/provider';
import { KUBELET_MODE, KUBELET_PLUGIN_NAME } from './kubelet/names';
import type { ServiceDeps } from './tokens/service';
import { loadedChunks, selfExecutable } from './platform/runtime';
import { createLogger, type Logger } from './platform/log';
import { handleAction, PROTOCOL_ACTIONS, usage, type ProtocolAction } from './docker/protocol';
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
  for (const ignored of settings.ignored) log.warn(ignored);
  if (settings.badLogLevel) log.warn(`DOCKER_CREDENTIAL_ECR_LOG=${settings.badLogLevel} is not one of debug, info, warn, error, off; using warn`);
  const sleep = io.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const deps = { settings, env: io.env, log, now: io.now, sleep };
  const code = await dispatch(argv, io, deps);
  // Shows that a cache hit never loads the AWS SDK chunk (test/e2e/executable.test.ts reads this line).
  if (selfExecutable()) log.debug(`chunks loaded: ${loadedChunks().join(', ') || 'none besides the entry'}`);
  return code;
}

async function dispatch(argv: readonly string[], io: CliIo, deps: ServiceDeps): Promise<number> {
  const { log } = deps;
  const action = argv[0];

  if ((argv.length === 1 && action === KUBELET_MODE) || (argv.length === 0 && io.invokedAs === KUBELET_PLUGIN_NAME)) {
    return runKubeletProvider({ stdin: io.stdin, stdout: io.stdout, report: (message) => log.error(message) }, deps);
  }

  if (argv.length === 1 && (PROTOCOL_ACTIONS as readonly string[]).includes(action!)) {
    // As Docker's credsStore, hosts we do not serve go on to another store (src/docker/creds-store.ts).
    return handleStoreAction(action as ProtocolAction, io, deps, (stdin, stdout) => handleAction(action as ProtocolAction, ecrBackend(deps), { stdin, stdout, report: reportTo(log) }));
  }
  if (action === 'login-password' || action === 'dockerconfigjson' || action === 'pull-secret') {
    const { runTokenOutput } = await import('./commands/token-output');
    return runTokenOutput(action, argv.slice(1), { ...deps, stdout: io.stdout, stderr: io.stderr });
  }
  if (action === 'version' || action === '--version' || action === '-v') {
    io.stdout.write(`docker-credential-ecr ${VERSION}\n`);
    return 0;
  }
  if (action === 'configure') {
    // Commands are dynamic imports too: chunks of their own, never loaded by `get`.
    const { runConfigure } = await import('./commands/configure');
    return runConfigure(argv.slice(1), { ...deps, stdout: io.stdout, stderr: io.stderr });
  }
  if (action === 'doctor') {
    const { runDoctor } = await import('./commands/doctor');
    return runDoctor(argv.slice(1), { ...deps, stdout: io.stdout, stderr: io.stderr });
  }
  if (action === 'kubelet-config') {
    const { runKubeletConfig } = await import('./commands/kubelet-config');
    return runKubeletConfig(argv.slice(1), { ...deps, stdout: io.stdout, stderr: io.stderr });
  }
  if (action === 'help' || action === '--help' || action === '-h') {
    io.stdout.write(`${usage().message}\n`);
    return 0;
  }
  const error: UsageError = usage();
  io.stderr.write(`${error.message}\n`);
  return 1;
}
