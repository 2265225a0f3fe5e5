// A new user's Debian 12 machine, for running install instructions as written (test/docs/install-apt.test.ts).
// What "fresh" means here, and is stated in docs/install.md: debootstrap minbase (debian-root.ts) with Debian's own
// apt source, plus what a developer who uses Docker on Debian already has: ca-certificates and curl (Docker's Debian
// install instructions install both), sudo, the docker CLI (this machine's /usr/local/bin/docker, Docker's static
// build) with the engine's socket at /var/run/docker.sock (the suite's fake engine, bind-mounted), and a user `dev`
// in the groups sudo and docker, whose AWS credentials are in ~/.aws (static keys; `endpoint_url` in ~/.aws/config
// sends every AWS call to the fake AWS). Nothing of the project is in it.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { debianMirror, freshDebianRoot, SUITE, type DebianRoot } from './debian-root';
import { shellQuote } from './shell';

export const USER = 'dev';

export interface NewUserRoot {
  root: DebianRoot;
  /** A command line run as USER in a login shell (su -), as a terminal session would: [file, args] for a spawn. */
  asUser(script: string): [string, string[]];
  /** The same as root (a root shell on that machine). */
  asRoot(script: string): [string, string[]];
  /** USER's uid and gid, for files put in their home. */
  owner: { uid: number; gid: number };
  remove(): void;
}

export interface NewUserOptions {
  /** The fake engine's unix socket, made reachable as /var/run/docker.sock (none: no engine). */
  engineSocket?: string;
  /** PEM of a CA the machine trusts (added with update-ca-certificates). */
  caCert: string;
  /** Extra /etc/hosts lines: "address name". */
  hosts: string[];
  /** http://127.0.0.1:port of the fake AWS (none: no AWS set-up in ~/.aws). */
  awsEndpoint?: string;
  region?: string;
}

function must(root: DebianRoot, command: string[]): string {
  // Debian's default umask, so that what the set-up writes has a fresh machine's modes whatever umask the suite
  // runs under (077 in scripts/test-elsewhere.mjs).
  const r = root.run(['/bin/sh', '-c', 'umask 022 && exec "$@"', 'sh', ...command], { timeout: 600_000 });
  if (r.status !== 0)
    throw new Error(
      `set-up of the new user's root: ${command.join(' ')} failed (exit ${r.status}):\n${r.stdout.slice(-2000)}${r.stderr.slice(-2000)}`,
    );
  return r.stdout;
}

function write(path: string, text: string, mode: number, owner?: { uid: number; gid: number }): void {
  writeFileSync(path, text, { mode });
  chmodSync(path, mode); // the suite may run under umask 077; the file's mode is what a fresh machine has
  if (owner) chownSync(path, owner.uid, owner.gid);
}

export function newUserRoot(options: NewUserOptions): NewUserRoot {
  const root = freshDebianRoot();
  const dir = root.dir;
  const socket = join(dir, 'run/docker.sock');
  const pts = join(dir, 'dev/pts');
  let mounted = false;
  let owner = { uid: -1, gid: -1 };
  const unmount = () => {
    spawnSync('umount', [socket]);
    spawnSync('umount', [pts]);
  };
  try {
    // A machine has its terminals (apt logs through one); a new instance, so the host's stay out of reach.
    const devpts = spawnSync('mount', ['-t', 'devpts', '-o', 'newinstance,ptmxmode=0666,mode=0620', 'devpts', pts], {
      encoding: 'utf8',
    });
    if (devpts.status !== 0) throw new Error(`mount devpts: ${devpts.stderr}`);
    mounted = true;
    write(
      join(dir, 'etc/apt/sources.list.d/debian.sources'),
      `Types: deb\nURIs: ${debianMirror()}\nSuites: ${SUITE} ${SUITE}-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n`,
      0o644,
    );
    must(root, ['apt-get', 'update', '-q']);
    must(root, ['apt-get', 'install', '-y', '-q', 'ca-certificates', 'curl', 'sudo']);
    write(
      join(dir, 'etc/hosts'),
      ['127.0.0.1\tlocalhost', `127.0.1.1\t${hostname()}`, ...options.hosts.map((h) => h.replace(' ', '\t')), ''].join(
        '\n',
      ),
      0o644,
    );
    write(join(dir, 'usr/local/share/ca-certificates/dce-test-ca.crt'), options.caCert, 0o644);
    must(root, ['update-ca-certificates']);
    copyFileSync('/usr/local/bin/docker', join(dir, 'usr/local/bin/docker'));
    chmodSync(join(dir, 'usr/local/bin/docker'), 0o755);
    must(root, ['groupadd', '--system', 'docker']);
    must(root, ['useradd', '--create-home', '--shell', '/bin/bash', '--groups', 'sudo,docker', USER]);
    // A developer's sudo asks for their password; nothing here can type it.
    write(join(dir, `etc/sudoers.d/${USER}`), `${USER} ALL=(ALL:ALL) NOPASSWD: ALL\n`, 0o440);
    const [uid, gid] = [Number(must(root, ['id', '-u', USER])), Number(must(root, ['id', '-g', USER]))];
    owner = { uid, gid };
    if (options.awsEndpoint) {
      const aws = join(dir, 'home', USER, '.aws');
      mkdirSync(aws, { mode: 0o700 });
      chownSync(aws, uid, gid);
      write(
        join(aws, 'credentials'),
        '[default]\naws_access_key_id = AKIANEWUSERKEY000001\naws_secret_access_key = new-user-secret-access-key\n',
        0o600,
        owner,
      );
      write(
        join(aws, 'config'),
        `[default]\nregion = ${options.region ?? 'us-east-1'}\nendpoint_url = ${options.awsEndpoint}\n`,
        0o600,
        owner,
      );
    }
    if (options.engineSocket) {
      // The engine's socket as Docker's packages leave it: root:docker 0660 at /var/run/docker.sock.
      const dockerGid = Number(/^docker:[^:]*:(\d+):/m.exec(readFileSync(join(dir, 'etc/group'), 'utf8'))?.[1]);
      chownSync(options.engineSocket, 0, dockerGid);
      chmodSync(options.engineSocket, 0o660);
      writeFileSync(socket, '');
      const bind = spawnSync('mount', ['--bind', options.engineSocket, socket], { encoding: 'utf8' });
      if (bind.status !== 0) throw new Error(`mount --bind of the engine's socket: ${bind.stderr}`);
    }
  } catch (error) {
    if (mounted) unmount();
    root.remove();
    throw error;
  }
  return {
    root,
    // Debian's default umask for the session (the suite may run under 077), then a login shell as the user.
    asUser: (script) => [
      '/bin/sh',
      ['-c', `umask 022 && exec chroot ${shellQuote(dir)} su - ${USER} -c ${shellQuote(script)}`],
    ],
    asRoot: (script) => [
      '/bin/sh',
      ['-c', `umask 022 && exec chroot ${shellQuote(dir)} su - -c ${shellQuote(script)}`],
    ],
    owner,
    remove() {
      unmount();
      root.remove();
    },
  };
}
