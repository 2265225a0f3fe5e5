// `docker-credential-ecr doctor [HOST]... [--json]`: checks, one line each, everything between `docker pull` and
// a token: the executable on PATH, the Docker config's routing, the helper's config file, the AWS identity, and
// for each ECR host a token request made now (through the lock, like `get`). Exit 1 when any check fails; warnings
// (things that work but may surprise) leave the exit status 0. docs/doctor.md lists every check.
import { configuredRegion } from '../../identity/region';
import type { Logger } from '../../platform/log';
import { printable } from '../../platform/log';
import { readSetupSettings } from '../../platform/setup-settings';
import type { RequestContext } from '../../tokens/context';
import type { CommandIo } from '../command-io';
import { commandHelp } from '../help';
import { kubeletChecks } from './kubelet';
import type { CheckStatus } from './result';
import { runChecks } from './run';

const USAGE = commandHelp('doctor')!.text;

/** Warnings from the token service repeat per host (an unusable cache directory); once is enough. */
function onceOnly(log: Logger): Logger {
  const seen = new Set<string>();
  return {
    ...log,
    warn: (message) => {
      if (seen.has(message)) return;
      seen.add(message);
      log.warn(message);
    },
  };
}

interface Args {
  hosts: string[];
  json: boolean;
  help: boolean;
  kubelet?: string;
  binDir?: string;
}

function parseArgs(argv: readonly string[]): Args | string {
  const result: Args = { hosts: [], json: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--kubelet' || arg === '--bin-dir') {
      const value = argv[++i];
      if (value === undefined) return `${arg} needs a value`;
      if (arg === '--kubelet') result.kubelet = value;
      else result.binDir = value;
    } else if (arg === '--json') result.json = true;
    else if (arg === '--help' || arg === '-h') result.help = true;
    else if (arg.startsWith('-')) return `unknown option ${printable(arg)}`;
    else result.hosts.push(arg);
  }
  if (result.binDir !== undefined && result.kubelet === undefined) return '--bin-dir goes with --kubelet FILE';
  if (result.kubelet !== undefined && result.hosts.length > 0)
    return '--kubelet checks the kubelet config only; check hosts in a separate run';
  return result;
}

export async function runDoctor(argv: readonly string[], io: CommandIo): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    io.stderr.write(`docker-credential-ecr: doctor: ${args}; see \`docker-credential-ecr doctor --help\`\n`);
    return 1;
  }
  if (args.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const deps: RequestContext = {
    settings: io.settings,
    env: io.env,
    log: onceOnly(io.log),
    now: io.now,
    sleep: io.sleep,
  };
  const setup = readSetupSettings(io.env, io.settings);
  const checks =
    args.kubelet !== undefined
      ? kubeletChecks(args.kubelet, args.binDir, io.settings, configuredRegion(io.settings, setup))
      : await runChecks(args.hosts, deps, setup);
  const ok = checks.every((c) => c.status !== 'fail');
  if (args.json) {
    io.stdout.write(`${JSON.stringify({ ok, checks }, null, 2)}\n`);
  } else {
    for (const c of checks)
      io.stdout.write(`${c.status.padEnd(4)}  ${printable(c.message)}${c.fix ? `; fix: ${printable(c.fix)}` : ''}\n`);
    const count = (status: CheckStatus): number => checks.filter((c) => c.status === status).length;
    io.stdout.write(
      `${count('ok')} ok, ${count('warn')} warning${count('warn') === 1 ? '' : 's'}, ${count('fail')} failed\n`,
    );
    // Nothing wrong up to the token: the registry's own answer (repository, tag, policy) is the next thing to ask.
    if (ok && args.kubelet === undefined && !args.hosts.some((arg) => arg.includes('/'))) {
      io.stdout.write(
        'The token side is sound. To ask the registry about an image as well: docker-credential-ecr doctor HOST/REPOSITORY:TAG\n',
      );
    }
  }
  return ok ? 0 : 1;
}
