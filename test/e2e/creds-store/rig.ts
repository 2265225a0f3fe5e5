// `"credsStore": "ecr"` end to end: the real docker CLI, against the fake Docker Engine, with the built helper as
// its only store; a real registry (CNCF distribution, TLS, htpasswd) serving a non-ECR host name, which the
// engine asks whether the credentials it got would do; and Debian's docker-credential-pass (with a throwaway
// GnuPG key) as the store behind us.
//
// This file is that set-up, shared by the *.test.ts beside it: useRig() starts the fake AWS, the engine, the
// registry and the pass store before a file's tests and closes them after; session() is docker and the helper
// with one configuration.
import { after, before, beforeEach } from 'node:test';
import { request } from 'node:https';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeAws, type FakeAws } from '../../support/fake-aws';
import { startFakeDockerEngine, type FakeDockerEngine, type RegistryAuth } from '../../support/fake-docker-engine';
import { assertBuilt, runExecutable } from '../../support/executable';
import { helperEnv, linkHelper, pathWith } from '../../support/helper-bin';
import { runCommand, type CommandResult } from '../../support/command';
import { makePassStore, type PassStore } from '../../support/pass-store';
import { startRegistry, type Registry } from '../../support/registry';
import { makeCa, makeLeaf, type CaFiles } from '../../support/tls';
import { requireTool } from '../../support/tools';
import { tempDir } from '../../support/temp';
import { shellQuote } from '../../support/shell';
import { chmodSync, mkdirSync } from 'node:fs';

export const OTHER_HOST = 'registry.example.test';
export const OTHER_USER = 'alice';
export const OTHER_PASSWORD = 'other-registry-password-1';
// No config file, credHelpers entry or profile names this account or region.
export const ECR_HOST = '210987654321.dkr.ecr.ap-southeast-7.amazonaws.com';
export const DOCKER_HUB = 'https://index.docker.io/v1/';

const root = tempDir('dce-store-');
let docker: string;
export let fake: FakeAws;
export let engine: FakeDockerEngine;
let registry: Registry | undefined;
let ca: CaFiles;
export let passStore: PassStore;
let bin: string;
export const passLog = join(root, 'pass-calls');

/** Asks the real registry, as the engine would, whether these credentials may read /v2/ (GET, basic auth). */
function registryAccepts(auth: RegistryAuth | undefined): Promise<boolean> {
  if (!auth?.username || !auth.password) return Promise.resolve(false);
  return new Promise((done) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: registry!.port,
        servername: OTHER_HOST,
        ca: readFileSync(ca.certFile),
        path: '/v2/',
        headers: { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` },
      },
      (res) => {
        res.resume();
        done(res.statusCode === 200);
      },
    );
    req.on('error', () => done(false));
    req.end();
  });
}

/** The rig's before, after and beforeEach, for the test file that calls it. */
export function useRig(): void {
  before(async () => {
    docker = requireTool('docker');
    requireTool('docker-registry');
    requireTool('openssl');
    assertBuilt();
    passStore = makePassStore(join(root, 'pass'));
    fake = await startFakeAws();
    ca = makeCa(join(root, 'ca'));
    const leaf = makeLeaf(ca, join(root, 'certs'), [OTHER_HOST]);
    registry = await startRegistry({
      dir: join(root, 'registry'),
      certFile: leaf.certFile,
      keyFile: leaf.keyFile,
      users: { [OTHER_USER]: OTHER_PASSWORD },
    });
    // The other registry is asked for real; ECR would take exactly a token the fake AWS issued.
    const ecrAccepts = (auth: RegistryAuth | undefined): boolean =>
      auth?.username === 'AWS' && fake.issued.some((t) => t.password === auth.password);
    engine = await startFakeDockerEngine({
      authorize: (pull) =>
        pull.fromImage.startsWith(`${OTHER_HOST}/`) ? registryAccepts(pull.auth) : ecrAccepts(pull.auth),
      authorizeLogin: (auth) =>
        auth.serveraddress === OTHER_HOST
          ? registryAccepts(auth)
          : auth.serveraddress === DOCKER_HUB
            ? auth.username === 'bob' && auth.password === 'hub-password'
            : ecrAccepts(auth),
    });
    bin = linkHelper(join(root, 'bin'));
    // docker-credential-recpass: records each call's action and stdin, then runs the real docker-credential-pass.
    const passHelper = requireTool('docker-credential-pass');
    mkdirSync(passLog);
    const wrapper = join(bin, 'docker-credential-recpass');
    writeFileSync(
      wrapper,
      `#!/bin/sh\nf=${shellQuote(passLog)}/$(date +%s%N)-$$-"$1"\ncat > "$f"\nexec ${shellQuote(passHelper)} "$@" < "$f"\n`,
    );
    chmodSync(wrapper, 0o755);
  });
  after(async () => {
    await engine?.close();
    await registry?.close();
    await fake?.close();
    passStore?.close();
  });
  beforeEach(() => {
    fake.reset();
    engine.reset();
  });
}

export interface Session {
  run(args: string[], stdin?: string): Promise<CommandResult>;
  helper(args: string[], stdin?: string): ReturnType<typeof runExecutable>;
  configDir: string;
  helperConfig: string;
}

/**
 * docker with `"credsStore": "ecr"` and nothing else (or `dockerConfig` as given); the helper config names
 * `store` (or nothing) behind it.
 */
export function session(
  store: string | undefined,
  dockerConfig: object = { credsStore: 'ecr' },
  extraEnv: Record<string, string> = {},
): Session {
  const configDir = tempDir('dce-store-docker-');
  writeFileSync(join(configDir, 'config.json'), JSON.stringify(dockerConfig, null, '\t'));
  const home = tempDir('dce-store-home-');
  const helperConfig = join(home, 'helper-config.json');
  // DOCKER_CREDENTIAL_ECR_CONFIG names it, so it must exist (a named file that is missing is an error).
  writeFileSync(helperConfig, JSON.stringify(store ? { credsStore: store } : {}));
  const env = {
    ...helperEnv(fake.url, home),
    ...passStore.env,
    PATH: pathWith(bin),
    DOCKER_HOST: engine.host,
    DOCKER_CONFIG: configDir,
    DOCKER_CREDENTIAL_ECR_CONFIG: helperConfig,
    ...extraEnv,
  };
  return {
    configDir,
    helperConfig,
    run: (args, stdin) =>
      runCommand(docker, args, { env, timeoutMs: 20_000, ...(stdin === undefined ? {} : { stdin }) }),
    helper: (args, stdin) => runExecutable(args, { env, ...(stdin === undefined ? {} : { stdin }) }),
  };
}
