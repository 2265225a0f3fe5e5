// What `docker-credential-ecr help [COMMAND]`, `COMMAND --help` and the man page say: one text per command, in
// one style (`Usage: docker-credential-ecr COMMAND [OPTION]...`, then what it does, then its options), and the
// environment variables the helper reads. Kept apart from the commands so `help doctor` loads no AWS code.
import { KUBELET_MODE, KUBELET_PLUGIN_NAME } from '../kubelet/names';
import { editDistance } from '../registry/hints';

export const PROGRAM = 'docker-credential-ecr';

export interface CommandHelp {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The command's help; empty when the command prints its own (`help NAME` then runs `NAME --help`). */
  text: string;
}

const protocol = (action: string, what: string): string => `Usage: ${PROGRAM} ${action}

${what}
Docker, podman, skopeo, buildah and helm run this themselves (through "credHelpers" in the Docker config);
people do not need to. To check the setup between \`docker pull\` and a token, run \`${PROGRAM} doctor\`.
`;

export const COMMANDS: readonly CommandHelp[] = [
  {
    name: 'configure',
    summary: "route ECR registries to this helper in the Docker config (and podman's)",
    text: `Usage: ${PROGRAM} configure [OPTION]...

Adds "credHelpers": {"HOST": "ecr"} entries to the Docker config ($DOCKER_CONFIG/config.json, else
~/.docker/config.json), so that Docker asks ${PROGRAM} for those registries. A token that
\`docker login\` stored in "auths" for one of those registries is removed: Docker sends it whenever the
helper fails, and then the pull fails with "Your authorization token has expired".

Options:
  --registry HOST  a registry to add (repeatable): <account>.dkr.ecr.<region>.amazonaws.com, public.ecr.aws,
                   ecr-public.aws.com, or a host mapped in the helper's config file
  --public         add only public.ecr.aws and ecr-public.aws.com
                   (default without --registry: those two and your own account's registry in your region)
  --region REGION  the region of your own account's registry (default: AWS_REGION, AWS_DEFAULT_REGION, the
                   profile's region, its sso_region, the region of ECR hosts already in the Docker config;
                   asked for at a terminal when none is set)
  --containers     also configure podman, skopeo and buildah ($REGISTRY_AUTH_FILE, else
                   $XDG_RUNTIME_DIR/containers/auth.json)
  --keep-other-helpers  leave ECR hosts that credHelpers sends to another ECR helper (docker-credential-ecr-login)
                   with it; by default they move to ${PROGRAM} in the same change
  --dry-run        print the change, write nothing
  -h, --help       print this help

  --all-registries       instead: "credsStore": "ecr", for every ECR registry in every account and region; the
                         store it replaces keeps every other registry (Docker Hub, ghcr.io)
  --undo-all-registries  put the previous credsStore back
`,
  },
  {
    name: 'doctor',
    summary: 'check everything between `docker pull` and a token; say what is wrong and what to type',
    text: `Usage: ${PROGRAM} doctor [OPTION]... [HOST|IMAGE]...
       ${PROGRAM} doctor --kubelet FILE|DIR [--bin-dir DIR] [--json]

Checks the setup between docker and an ECR token, one line per check (ok, warn or fail, and the fix).
Without HOST it checks every ECR registry in the Docker config, and whether your own account's registry
is among them. Every token is asked of AWS now, and the helper Docker runs for each host is run.
An IMAGE (HOST/REPOSITORY[:TAG|@DIGEST]) is also asked of its registry, up to the manifest: present, tag
or repository not found (and in which other region it is), denied, or a pull-through-cache prefix.

Options:
  --json           one JSON object {ok, checks: [{name, status, message, fix}]} instead of lines
  --kubelet FILE   check a node's CredentialProviderConfig (the kubelet's --image-credential-provider-config,
                   a file or a directory) against this helper
  --bin-dir DIR    with --kubelet: the kubelet's --image-credential-provider-bin-dir, checked to hold this helper
  -h, --help       print this help

Exit status 1 when a check fails; warnings (things that work but may surprise) leave it 0.
`,
  },
  {
    name: 'kubelet-config',
    summary: "print the kubelet's CredentialProviderConfig for this helper",
    text: `Usage: ${PROGRAM} kubelet-config [OPTION]...

Prints the kubelet's CredentialProviderConfig (JSON) for this helper: every ECR and ECR Public host form, and
the helper config file's custom hosts. The kubelet runs the provider as root, with its own environment: a
custom config file is referred to at its node path (/etc/docker-credential-ecr/config.json unless
--node-config says otherwise), and the command to install it there is printed on stderr.

Options:
  --name NAME               the executable's file name in the kubelet's --image-credential-provider-bin-dir
                            (default ${KUBELET_PLUGIN_NAME}, AWS's plugin's name, which needs no arguments)
  --service-account-roles   the kubelet sends each pod's service-account token (audience sts.amazonaws.com),
                            exchanged for the role its service account names in eks.amazonaws.com/ecr-role-arn
                            or eks.amazonaws.com/role-arn
  --node-config PATH        where the helper config file is on the node (default
                            /etc/docker-credential-ecr/config.json)
  -h, --help                print this help
`,
  },
  {
    name: 'login-password',
    summary: 'print a registry password for `docker login --password-stdin`, helm, crictl',
    text: '',
  },
  { name: 'dockerconfigjson', summary: "print a Docker config with tokens (an imagePullSecret's content)", text: '' },
  {
    name: 'pull-secret',
    summary: 'print a kubernetes.io/dockerconfigjson Secret with tokens, for kubectl apply',
    text: '',
  },
  {
    name: 'get',
    summary: 'answer Docker: a registry host on stdin, {"ServerURL","Username","Secret"} on stdout',
    text: protocol(
      'get',
      'Reads a registry host on stdin and prints {"ServerURL","Username","Secret"} on stdout: an ECR token,\nfrom the cache while it is fresh. Messages go to stderr.',
    ),
  },
  {
    name: 'store',
    summary: 'accept `docker login` (nothing is stored: tokens come from AWS)',
    text: protocol(
      'store',
      'Reads {"ServerURL","Username","Secret"} on stdin, as `docker login` sends it, and stores nothing: tokens\ncome from AWS on every `get`.',
    ),
  },
  {
    name: 'erase',
    summary: 'forget the cached token of a registry (`docker logout`)',
    text: protocol('erase', 'Reads a registry host on stdin and removes its cached token.'),
  },
  {
    name: 'list',
    summary: 'print the registries this helper serves without asking AWS',
    text: protocol(
      'list',
      'Prints {"<registry>": "AWS", ...} for every registry a token served before (named until 30 days after\nits token expired unused) and every host named in the helper config; asks AWS nothing.',
    ),
  },
  {
    name: KUBELET_MODE,
    summary: "the kubelet's image credential provider (also when run as ecr-credential-provider)",
    text: `Usage: ${PROGRAM} ${KUBELET_MODE}
       ${KUBELET_PLUGIN_NAME}

The kubelet's image credential provider: reads a CredentialProviderRequest on stdin and prints a
CredentialProviderResponse. The kubelet runs this itself; \`${PROGRAM} kubelet-config\` prints its config.
`,
  },
  {
    name: 'version',
    summary: 'print the version',
    text: `Usage: ${PROGRAM} version\n\nPrints the version (also --version, -v).\n`,
  },
  {
    name: 'help',
    summary: "print this overview, or a command's help",
    text: `Usage: ${PROGRAM} help [COMMAND]\n\nPrints the overview, or COMMAND's help (the same as \`${PROGRAM} COMMAND --help\`).\n`,
  },
];

/** The environment variables the helper reads, for --help and the man page (docs/credentials.md, "Environment variables"). */
export const ENVIRONMENT: readonly [string, string][] = [
  [
    'AWS_PROFILE, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN',
    'the AWS identity (the standard credential chain)',
  ],
  ['AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE', 'the AWS shared files (default ~/.aws/config, ~/.aws/credentials)'],
  ['AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE', 'web identity (EKS IRSA)'],
  ['AWS_CONTAINER_CREDENTIALS_FULL_URI, AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'EKS Pod Identity, ECS task roles'],
  ['AWS_REGION, AWS_DEFAULT_REGION', 'the region `configure` uses for your own registry'],
  ['AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_ECR, AWS_ENDPOINT_URL_ECR_PUBLIC, AWS_ENDPOINT_URL_STS', 'endpoint overrides'],
  ['HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY', 'the proxy for the AWS API calls (lower case too)'],
  ['AWS_CA_BUNDLE', "extra CA certificates (a TLS-inspecting proxy's)"],
  ['AWS_ECR_CACHE_DIR', 'the token cache directory'],
  ['AWS_ECR_DISABLE_CACHE', 'any non-empty value: no cache'],
  ['AWS_ECR_ROLE_ARN', 'kubelet mode: the role for pods whose service account names none'],
  ['DOCKER_CREDENTIAL_ECR_CONFIG', "the helper's config file (per-registry identities, custom host names)"],
  ['DOCKER_CREDENTIAL_ECR_LOG', 'debug, info, warn (default), error or off: what goes to stderr'],
  ['DOCKER_CREDENTIAL_ECR_LOG_FILE', 'also append log lines to this file'],
  ['DOCKER_CREDENTIAL_ECR_TIMEOUT_MS', 'bound on one token fetch, retries included (default 20000)'],
  ['DOCKER_CONFIG', 'the Docker config directory (default ~/.docker)'],
  ['REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR', "podman's, skopeo's and buildah's auth file, for `configure --containers`"],
];

export function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  const commands = COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n');
  const environment = ENVIRONMENT.map(([names, what]) => `  ${names}\n      ${what}`).join('\n');
  return `Usage: ${PROGRAM} COMMAND [OPTION]...

A Docker credential helper for Amazon ECR and ECR Public. Docker runs it for the registries that
"credHelpers" in ~/.docker/config.json sends to "ecr"; \`${PROGRAM} configure\` adds them.

Commands:
${commands}

Run \`${PROGRAM} help COMMAND\` (or \`${PROGRAM} COMMAND --help\`) for a command's options.
Start with \`${PROGRAM} configure\`, then \`${PROGRAM} doctor\`.

Environment:
${environment}

See also: man ${PROGRAM}
`;
}

export function commandHelp(name: string): CommandHelp | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** The command a mistyped one most likely means (`confgure`, `docter`), if one is close. */
export function nearestCommand(typed: string): string | undefined {
  const names = [...COMMANDS.map((c) => c.name), '--help', '--version'];
  let best: { name: string; d: number } | undefined;
  for (const name of names) {
    const d = editDistance(typed.toLowerCase(), name);
    if (!best || d < best.d) best = { name, d };
  }
  return best && best.d <= Math.max(1, Math.floor(best.name.length / 3)) ? best.name : undefined;
}
