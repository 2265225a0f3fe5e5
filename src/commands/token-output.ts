// Tokens for the places that cannot run a credential helper: `login-password HOST` (what `aws ecr
// get-login-password` prints, for `docker login --password-stdin`, helm, oras, crictl), `dockerconfigjson
// HOST...` (for imagePullSecrets) and `pull-secret --name N HOST...` (a whole kubernetes.io/dockerconfigjson
// Secret for `kubectl apply -f -`). Every token comes through the token service, exactly as `get` gets it: the
// same route, identity, cache, lock and single API call.
import { fstatSync } from 'node:fs';
import { stringify } from 'yaml';
import { CredentialsNotFoundError, HelperError } from '../platform/errors';
import { printable, printableAscii } from '../platform/log';
import type { Env } from '../platform/settings';
import { hintForUnservedHost } from '../registry/hints';
import { routeServerUrl } from '../registry/routing';
import { getToken } from '../tokens/service';
import type { Token } from '../cache/policy';
import type { CommandIo } from './command-io';
import { guardStdoutFile, realStdoutFile, writeTokenFile, type OutputFile } from './token-file';

export type TokenOutputCommand = 'login-password' | 'dockerconfigjson' | 'pull-secret';

const USAGE: Record<TokenOutputCommand, string> = {
  'login-password': `Usage: docker-credential-ecr login-password [--show] HOST

Prints the password for HOST (user name AWS), as \`aws ecr get-login-password\` does, but with the region and
API taken from the host (public.ecr.aws just works) and the token from this helper's cache. For example:
  docker-credential-ecr login-password HOST | docker login --username AWS --password-stdin HOST
  docker-credential-ecr login-password HOST | helm registry login --username AWS --password-stdin HOST
  crictl pull --creds "AWS:$(docker-credential-ecr login-password HOST)" HOST/repo:tag
`,
  dockerconfigjson: `Usage: docker-credential-ecr dockerconfigjson [--show] [--output FILE] HOST...

Prints a Docker config ({"auths": {...}}) with a token for each HOST: the content of a
kubernetes.io/dockerconfigjson Secret, or a config.json for tools that read only "auths".
`,
  'pull-secret': `Usage: docker-credential-ecr pull-secret --name NAME [--namespace NAMESPACE] [--show] [--output FILE] HOST...

Prints a Kubernetes Secret of type kubernetes.io/dockerconfigjson holding a token for each HOST, annotated with
the token's expiry, for \`... | kubectl apply -f -\` (for example from a CronJob every 6 hours).
`,
};

const COMMON = `
  --show   print even when standard output is a terminal (otherwise refused, so a token is not left on screen)
  --output FILE   (dockerconfigjson, pull-secret) write to FILE instead, mode 0600, replacing it atomically
Standard output redirected to a file others can read (\`> config.json\` under the usual umask) is made private
first when it is your own file, and warned about otherwise.
Under GitHub Actions (GITHUB_ACTIONS=true) each secret is first registered with the runner (::add-mask:: on
standard error, unless that is a terminal or a file), so the job log shows *** wherever it appears later;
standard output carries only the result.
`;

interface Options {
  hosts: string[];
  show: boolean;
  help: boolean;
  name?: string;
  namespace?: string;
  output?: string;
}

// A DNS-1123 subdomain (Secret names) and label (namespaces), as the API server checks them.
const SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function parseArgs(command: TokenOutputCommand, argv: readonly string[]): Options | string {
  const options: Options = { hosts: [], show: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    if (command === 'pull-secret' && (flag === '--name' || flag === '--namespace')) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '') return `${flag} needs a value`;
      if (flag === '--name') {
        if (!SUBDOMAIN.test(value))
          return `--name ${printable(value)} is not a valid Secret name (lower-case letters, digits, '-' and '.')`;
        options.name = value;
      } else {
        if (!LABEL.test(value))
          return `--namespace ${printable(value)} is not a valid namespace name (lower-case letters, digits and '-')`;
        options.namespace = value;
      }
    } else if (command !== 'login-password' && flag === '--output') {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '') return '--output needs a file name';
      options.output = value;
    } else if (arg === '--show') options.show = true;
    else if (arg === '--help' || arg === '-h') options.help = true;
    else if (arg.startsWith('-')) return `unknown option ${printable(arg)}`;
    else options.hosts.push(arg);
  }
  if (options.help) return options;
  if (options.hosts.length === 0)
    return 'name the registry host, like 123456789012.dkr.ecr.us-east-1.amazonaws.com or public.ecr.aws';
  if (command === 'login-password' && options.hosts.length > 1)
    return 'login-password takes one host (a password is for one registry)';
  if (command === 'pull-secret' && options.name === undefined)
    return '--name is required (the Secret to create or replace)';
  return options;
}

/**
 * Registers secrets with the GitHub Actions runner before they are printed. The runner reads workflow commands
 * from every line of a step's standard output AND standard error (actions/runner, ScriptHandler.cs: both streams
 * go through OutputManager -> ActionCommandManager), so stderr works and stdout stays exactly the result. Not
 * when stderr is a regular file or a terminal: the command line itself holds the secret, and neither is the runner
 * (which reads a pipe): a person at a terminal with GITHUB_ACTIONS=true would see the token on screen.
 */
export function maskCommands(secrets: readonly string[], env: Env, stderrIsFile: () => boolean): string {
  if (env.GITHUB_ACTIONS !== 'true' || stderrIsFile()) return '';
  // The runner unescapes %25, %0D and %0A in a command's data; a token has none of these, but be exact.
  const escape = (value: string): string => value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return secrets
    .filter((s, i) => s !== '' && secrets.indexOf(s) === i)
    .map((s) => `::add-mask::${escape(s)}\n`)
    .join('');
}

function realStderrIsNotRunner(): boolean {
  try {
    const stat = fstatSync(2);
    return stat.isFile() || (stat.isCharacterDevice() && (require('node:tty') as typeof import('node:tty')).isatty(2));
  } catch {
    return false;
  }
}

export interface HostToken {
  host: string;
  token: Token;
}

/** The auths entry Docker writes for a login: user and password, and `auth` (base64 user:password) that older readers need. */
export function dockerConfigJson(tokens: readonly HostToken[]): string {
  const auths: Record<string, { username: string; password: string; auth: string }> = {};
  for (const { host, token } of tokens) {
    auths[host] = {
      username: token.username,
      password: token.password,
      auth: Buffer.from(`${token.username}:${token.password}`).toString('base64'),
    };
  }
  return JSON.stringify({ auths });
}

export const EXPIRY_ANNOTATION = 'docker-credential-ecr/expires-at';

/** The Secret manifest: data is base64 of the dockerconfigjson, annotated with when its first token expires. */
export function pullSecretManifest(
  name: string,
  namespace: string | undefined,
  config: string,
  expiresAt: number,
): string {
  const manifest = {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/dockerconfigjson',
    metadata: {
      name,
      ...(namespace ? { namespace } : {}),
      labels: { 'app.kubernetes.io/managed-by': 'docker-credential-ecr' },
      annotations: { [EXPIRY_ANNOTATION]: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z') },
    },
    data: { '.dockerconfigjson': Buffer.from(config).toString('base64') },
  };
  // Every value double-quoted: kubectl reads YAML 1.1, where an unquoted `y`, `on` or `no` (valid Secret and
  // namespace names) is a boolean and a timestamp is not a string (test/e2e/token-output/pull-secret-kubectl.test.ts).
  return stringify(manifest, { lineWidth: 0, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' });
}

export async function runTokenOutput(
  command: TokenOutputCommand,
  argv: readonly string[],
  io: CommandIo,
  stderrIsFile: () => boolean = realStderrIsNotRunner,
  stdoutFile: (stdout: NodeJS.WritableStream) => OutputFile | undefined = realStdoutFile,
): Promise<number> {
  const complain = (line: string): void => {
    io.stderr.write(`docker-credential-ecr: ${line}\n`);
  };
  const options = parseArgs(command, argv);
  if (typeof options === 'string') {
    complain(`${command}: ${options}`);
    io.stderr.write(USAGE[command] + COMMON);
    return 1;
  }
  if (options.help) {
    io.stdout.write(USAGE[command] + COMMON);
    return 0;
  }
  if (options.output === undefined && (io.stdout as { isTTY?: boolean }).isTTY === true && !options.show) {
    const host = options.hosts[0];
    complain(
      `${command}: standard output is a terminal, so the token would stay on screen; pipe it ` +
        (command === 'login-password'
          ? `(\`docker-credential-ecr login-password ${host} | docker login --username AWS --password-stdin ${host}\`)`
          : command === 'pull-secret'
            ? '(`... | kubectl apply -f -`)'
            : 'into a file') +
        ', or add --show to print it here',
    );
    return 1;
  }

  const tokens: HostToken[] = [];
  for (const input of options.hosts) {
    try {
      const route = routeServerUrl(input, io.settings);
      // The key is what Docker will look up: the host (and port) without a scheme.
      const host = route.url.port === undefined ? route.url.host : `${route.url.host}:${route.url.port}`;
      tokens.push({ host, token: await getToken(route, io) });
    } catch (error) {
      if (error instanceof CredentialsNotFoundError) {
        complain(
          `${printableAscii(input)}: ${hintForUnservedHost(input) ?? `not a registry this helper serves (${printable(error.reason)}); expected <account>.dkr.ecr.<region>.amazonaws.com, public.ecr.aws or a host mapped in the helper config`}`,
        );
        return 1;
      }
      if (error instanceof HelperError) {
        complain(error.message);
        return 1;
      }
      throw error;
    }
  }

  let output: string;
  const secrets = tokens.flatMap(({ token }) => [
    token.password,
    Buffer.from(`${token.username}:${token.password}`).toString('base64'),
  ]);
  if (command === 'login-password') {
    output = `${tokens[0].token.password}\n`;
  } else {
    const config = dockerConfigJson(tokens);
    if (command === 'dockerconfigjson') output = `${config}\n`;
    else {
      const expiresAt = Math.min(...tokens.map(({ token }) => token.expiresAt));
      secrets.push(Buffer.from(config).toString('base64'));
      output = pullSecretManifest(options.name!, options.namespace, config, expiresAt);
    }
  }
  for (const secret of secrets) io.log.secret(secret);
  // The mask goes first, so the runner knows the value before any later step could print it.
  const masks = maskCommands(secrets, io.env, stderrIsFile);
  if (masks) io.stderr.write(masks);
  if (options.output !== undefined) {
    try {
      writeTokenFile(options.output, output);
    } catch (error) {
      if (!(error instanceof HelperError)) throw error;
      complain(`${command}: ${printable(error.message)}`);
      return 1;
    }
    return 0;
  }
  // Before the token is written: a file the shell created under the umask may be readable by everyone.
  const said = guardStdoutFile(stdoutFile(io.stdout), process.getuid?.());
  if (said) complain(`${command}: ${said}`);
  io.stdout.write(output);
  return 0;
}
