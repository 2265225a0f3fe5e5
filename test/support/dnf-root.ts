// A scratch root where this machine's dnf (Debian 12's dnf 4.14 and rpm 4.18, from scripts/lib/test-packages.json)
// acts as it would on a Fedora machine, so that docs/install.md's dnf lines can run as written: a chroot whose /usr
// and /etc are overlays of this machine's (writes land in the scratch directory, never here), with its own empty
// /var and /root (so its own, empty, rpm database: Debian's rpm keeps it in ~/.rpmdb), /etc/hosts sending
// OWNER.github.io to 127.0.0.1, the test CA trusted through Debian's update-ca-certificates, an empty
// /etc/yum.repos.d (as a Fedora root has) and a `sudo` that runs its command as is (the tests run as root).
// Everything lives in a private mount and network namespace held by the HTTPS server that plays GitHub Pages: it
// listens on 127.0.0.1:443 in a network namespace of its own (only loopback), so no other test's port 443 is in its
// way and dnf can reach nothing else; when the server ends, the namespace and its mounts go with it.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand, type CommandResult } from './command';
import { record, substitute } from './doc-run';
import type { ShownCommand } from './doc-commands';
import { shellCommand } from './shell';
import type { CaFiles, LeafCert } from './tls';

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

// GitHub Pages, as far as dnf can tell: GET of files under /<REPO>/ of a directory, 404 for anything else, each
// request logged so that a test can say what dnf fetched. Run with node -e, so it needs no file of its own.
const SERVER = `
const { createServer } = require('node:https');
const { readFileSync, createReadStream, statSync, appendFileSync } = require('node:fs');
const { join, normalize } = require('node:path');
const [cert, key, site, prefix, log] = process.argv.slice(1);
createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (req, res) => {
  const path = decodeURIComponent(new URL(req.url, 'https://pages.invalid').pathname);
  appendFileSync(log, req.method + ' ' + req.headers.host + path + '\\n');
  const rel = path.startsWith(prefix) ? normalize(path.slice(prefix.length)) : '..';
  let size = -1;
  try { if (!rel.startsWith('..')) { const s = statSync(join(site, rel)); if (s.isFile()) size = s.size; } } catch {}
  if (size < 0) return res.writeHead(404).end('not found\\n');
  res.writeHead(200, { 'content-length': size });
  createReadStream(join(site, rel)).pipe(res);
}).listen(443, '127.0.0.1', () => console.log('listening'));
`;

// Positional parameters, not interpolation: the scratch path is the test's, whatever characters it has.
const SETUP = `set -e
ip link set lo up
mount -t overlay overlay -o "lowerdir=/usr,upperdir=$1/usr-upper,workdir=$1/usr-work" "$1/root/usr"
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/etc-upper,workdir=$1/etc-work" "$1/root/etc"
mount -t proc proc "$1/root/proc"
mount --bind /dev "$1/root/dev"
shift
exec "$@"`;

export interface DnfRootResult extends CommandResult {
  /** What ran, placeholders filled in. */
  ran: string;
}

export interface DnfRoot {
  /** The root's directory (as this machine sees it once the server ends; while it runs, /usr and /etc are overlays). */
  dir: string;
  /** The scratch directory: where the overlays' writes land (usr-upper, etc-upper). */
  scratch: string;
  /** Requests the server answered, oldest first: "GET host/path". */
  requests(): string[];
  /** Runs a /bin/sh script in the root, from /root, with a minimal environment; terminal: on a pseudo-terminal. */
  run(script: string, options?: { input?: string; terminal?: boolean; timeoutMs?: number }): Promise<DnfRootResult>;
  close(): Promise<void>;
}

/** Serves site as https://<host>/<repo>/ in a new root under scratch; resolves once the server listens. */
export async function startDnfRoot(
  scratch: string,
  site: string,
  host: string,
  repo: string,
  ca: CaFiles,
  leaf: LeafCert,
): Promise<DnfRoot> {
  const dir = join(scratch, 'root');
  for (const d of [
    'usr-upper',
    'usr-work',
    'etc-upper',
    'etc-work',
    'root/usr',
    'root/etc',
    'root/var',
    'root/proc',
    'root/dev',
    'root/root',
    'root/run',
    'root/tmp',
  ])
    mkdirSync(join(scratch, d), { recursive: true, mode: 0o755 });
  // mkdir's mode is cut by the umask (the suite runs under 077), and the merged directories take these modes.
  for (const d of ['usr-upper', 'etc-upper', 'root', 'root/var', 'root/run']) chmodSync(join(scratch, d), 0o755);
  chmodSync(join(dir, 'tmp'), 0o1777);
  for (const link of ['bin', 'sbin', 'lib', 'lib64'])
    if (!existsSync(join(dir, link))) symlinkSync(`usr/${link}`, join(dir, link));
  const log = join(scratch, 'requests.log');
  const server: ChildProcess = spawn(
    'unshare',
    [
      '-m',
      '-n',
      '--propagation',
      'private',
      '/bin/sh',
      '-c',
      SETUP,
      'sh',
      scratch,
      process.execPath,
      '-e',
      SERVER,
      leaf.certFile,
      leaf.keyFile,
      site,
      `/${repo}/`,
      log,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let said = '';
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`the HTTPS server in the root's namespace did not start in 30 s: ${said}`)),
      30_000,
    );
    server.stdout!.on(
      'data',
      (c: Buffer) => ((said += c.toString()), said.includes('listening') && (clearTimeout(timer), ready())),
    );
    server.stderr!.on('data', (c: Buffer) => (said += c.toString()));
    server.on(
      'exit',
      (code) => (clearTimeout(timer), fail(new Error(`the namespace set-up ended (exit ${code}): ${said}`))),
    );
  });
  const run: DnfRoot['run'] = async (script, options = {}) => {
    // --root: entering a mount namespace resets the root directory to that namespace's own (setns(2)), so when this
    // suite itself runs chrooted (a fresh root, a build chroot) the path below would be looked up outside it;
    // --root keeps the server's root directory, which is ours.
    const inRoot = [
      'nsenter',
      '-t',
      String(server.pid),
      '-m',
      '-n',
      '--root',
      'chroot',
      dir,
      '/usr/bin/env',
      '-i',
      `PATH=${PATH}`,
      'HOME=/root',
      'LANG=C.UTF-8',
      'TERM=dumb',
      '/bin/sh',
      '-c',
      `cd /root && ${script}`,
    ];
    // script(1) runs outside the chroot: the root's /dev is a plain bind of this machine's, without the pty mounts.
    const [file, args] = options.terminal
      ? (['script', ['-q', '-e', '-c', shellCommand(inRoot), '/dev/null']] as const)
      : ([inRoot[0], inRoot.slice(1)] as const);
    const r = await runCommand(file, args, {
      env: { PATH },
      stdin: options.input ?? '',
      timeoutMs: options.timeoutMs ?? 180_000,
    });
    return { ...r, stdout: r.stdout.replace(/\r\n/g, '\n'), ran: script };
  };
  const setup = await run(
    `mkdir -p /etc/yum.repos.d /usr/local/bin /usr/local/share/ca-certificates
printf '#!/bin/sh\\nexec "$@"\\n' > /usr/local/bin/sudo && chmod 755 /usr/local/bin/sudo
cat > /usr/local/share/ca-certificates/dce-test-ca.crt && update-ca-certificates >/dev/null
echo '127.0.0.1 ${host}' >> /etc/hosts`,
    { input: readFileSync(ca.certFile, 'utf8') },
  );
  if (setup.code !== 0) {
    server.kill();
    throw new Error(`preparing the dnf root failed (exit ${setup.code}): ${setup.stdout}${setup.stderr}`);
  }
  return {
    dir,
    scratch,
    requests: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
    run,
    close: () =>
      new Promise<void>((done) =>
        server.exitCode !== null || server.signalCode !== null
          ? done()
          : (server.once('exit', () => done()), server.kill()),
      ),
  };
}

/** Runs a command docs/install.md shows, as written (placeholders filled in), in the root, and logs that it ran. */
export async function runShownInRoot(
  root: DnfRoot,
  command: ShownCommand,
  values: Readonly<Record<string, string>>,
  options: { input?: string; terminal?: boolean } = {},
): Promise<DnfRootResult> {
  const result = await root.run(substitute(command.text, values), options);
  record(command);
  return result;
}
