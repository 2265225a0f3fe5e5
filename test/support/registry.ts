// A real registry for the end-to-end tests: the CNCF distribution registry (Debian's docker-registry) on
// 127.0.0.1, with TLS and htpasswd auth, as ECR's registry endpoint stands in for it. Clients reach it
// under an ECR host name through the fake AWS proxy's route().
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool } from './tools';
import type { FakeAws } from './fake-aws';
import { makeCa, makeLeaf, type CaFiles } from './tls';

export interface Registry {
  port: number;
  /** Everything the registry has logged so far, for assertion messages. */
  log(): string;
  close(): Promise<void>;
}

export interface RegistryOptions {
  /** Holds the config, the htpasswd file and the storage. */
  dir: string;
  certFile: string;
  keyFile: string;
  /** user -> password; bcrypt-hashed by htpasswd, as the registry requires. */
  users: Record<string, string>;
}

const MAX_LOG = 256 * 1024;

/** One htpasswd line for user, bcrypt (the only scheme the registry accepts). */
export function htpasswdLine(user: string, password: string): string {
  const htpasswd = requireTool('htpasswd');
  // -b takes the password as an argument: fine for a throwaway token on a test machine.
  return execFileSync(htpasswd, ['-Bbn', user, password], { encoding: 'utf8' }).trim();
}

export async function startRegistry(opts: RegistryOptions): Promise<Registry> {
  const bin = requireTool('docker-registry');
  mkdirSync(opts.dir, { recursive: true });
  const htpasswdFile = join(opts.dir, 'htpasswd');
  writeFileSync(
    htpasswdFile,
    Object.entries(opts.users)
      .map(([user, password]) => `${htpasswdLine(user, password)}\n`)
      .join(''),
    { mode: 0o600 },
  );
  const config = {
    version: 0.1,
    log: { level: 'info', formatter: 'text', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: join(opts.dir, 'storage') },
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: {
      // Port 0: the registry logs the port it got ("listening on 127.0.0.1:N"), so there is no race for a free port.
      addr: '127.0.0.1:0',
      secret: randomBytes(16).toString('hex'),
      tls: { certificate: opts.certFile, key: opts.keyFile },
    },
    auth: { htpasswd: { realm: 'ecr-e2e', path: htpasswdFile } },
  };
  const configFile = join(opts.dir, 'config.yml');
  // JSON is valid YAML, and needs no quoting rules of its own.
  writeFileSync(configFile, JSON.stringify(config, null, 2));

  const child = spawn(bin, ['serve', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '' },
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    if (output.length < MAX_LOG) output += chunk.toString('utf8');
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  const close = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  };

  const port = await new Promise<number>((done, fail) => {
    const timer = setTimeout(() => finish(new Error(`docker-registry did not start within 10 s:\n${output}`)), 10_000);
    const watch = (): void => {
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(output);
      if (m) finish(undefined, Number(m[1]));
    };
    const onExit = (code: number | null): void =>
      finish(new Error(`docker-registry exited (${code}) before listening:\n${output}`));
    function finish(error: Error | undefined, value?: number): void {
      clearTimeout(timer);
      child.stdout.off('data', watch);
      child.stderr.off('data', watch);
      child.off('exit', onExit);
      if (error) fail(error);
      else done(value!);
    }
    child.stdout.on('data', watch);
    child.stderr.on('data', watch);
    child.once('exit', onExit);
    child.once('error', (err) => finish(err));
  }).catch(async (error: unknown) => {
    await close();
    throw error;
  });

  return { port, log: () => output, close };
}

/**
 * The registry as an ECR host stands for it: a certificate for `host` from a new CA (dir/ca), exactly AWS:`token`
 * accepted, and the fake AWS's CONNECT route for <host>:443 tunnelling to it (clients use the fake as HTTPS_PROXY).
 */
export async function startEcrRegistry(
  fake: Pick<FakeAws, 'route'>,
  dir: string,
  host: string,
  token: string,
): Promise<{ registry: Registry; ca: CaFiles }> {
  const ca = makeCa(join(dir, 'ca'));
  const leaf = makeLeaf(ca, join(dir, 'certs'), [host]);
  const registry = await startRegistry({
    dir: join(dir, 'registry'),
    certFile: leaf.certFile,
    keyFile: leaf.keyFile,
    users: { AWS: token },
  });
  fake.route(`${host}:443`, { port: registry.port });
  return { registry, ca };
}
