// Tokens for tools that cannot run a helper, through the built executable and real clients: `login-password`
// piped into the real `docker login --password-stdin`, `dockerconfigjson` as a real docker CLI's config, and
// `pull-secret` through the real `kubectl apply --dry-run=client -f -` (against a fake API server's discovery: kubectl
// asks a server which kinds exist even for a client dry run) and the Kubernetes Secret schema (kubernetes-models,
// which kubectl skips here: its validation needs the server's OpenAPI document). Also: GitHub Actions masking, and
// no token on a terminal.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { useFakeAws, useFakeDockerEngine } from '../support/use-fake-aws';
import { startFakeKubeApi } from '../support/fake-kube-api';
import { assertBuilt, EXECUTABLE, runExecutable } from '../support/executable';
import { helperEnv } from '../support/helper-bin';
import { runCommand, transcript } from '../support/command';
import { requireTool } from '../support/tools';
import { tempDir } from '../support/temp';
import { shellCommand, shellQuote } from '../support/shell';

const HOST = '123456789012.dkr.ecr.eu-central-1.amazonaws.com';
const OTHER_REGION_HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
const fake = useFakeAws();
const engine = useFakeDockerEngine({
  authorize: (pull) => pull.auth?.username === 'AWS' && fake.issued.some((t) => t.password === pull.auth?.password),
});

before(() => assertBuilt());

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { ...helperEnv(fake.url, tempDir('dce-tokens-home-')), ...extra };
}

test('login-password: the token for the host region, from the same cache as get (one AWS call for both)', async () => {
  const e = env();
  const password = await runExecutable(['login-password', HOST], { env: e });
  assert.equal(password.code, 0, password.stderr);
  assert.equal(password.stderr, '');
  assert.equal(fake.callsFor('ecr').length, 1);
  assert.equal(fake.callsFor('ecr')[0].region, 'eu-central-1');
  assert.equal(password.stdout, `${fake.issued[0].password}\n`);

  const get = await runExecutable(['get'], { env: e, stdin: HOST });
  assert.equal(get.code, 0, get.stderr);
  assert.equal(JSON.parse(get.stdout).Secret, fake.issued[0].password);
  const again = await runExecutable(['login-password', `https://${HOST}`], { env: e });
  assert.equal(again.stdout, password.stdout);
  assert.equal(fake.callsFor('ecr').length, 1, 'get and the second login-password came from the cache');
});

test('login-password public.ecr.aws uses the ECR Public API in us-east-1, whatever AWS_REGION says', async () => {
  const result = await runExecutable(['login-password', 'public.ecr.aws'], { env: env({ AWS_REGION: 'eu-west-1' }) });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(fake.callsFor('ecr-public').length, 1);
  assert.equal(fake.callsFor('ecr-public')[0].region, 'us-east-1');
  assert.equal(fake.callsFor('ecr').length, 0);
  assert.equal(result.stdout, `${fake.issued[0].password}\n`);
});

/**
 * A PATH with only the docker CLI: otherwise docker, with no credsStore in its config, picks docker-credential-pass
 * when it and `pass` are installed (docker/cli's DetectDefaultStore), and these tests would be about pass.
 */
function dockerOnlyPath(): string {
  const dir = tempDir('dce-tokens-bin-');
  symlinkSync(requireTool('docker'), join(dir, 'docker'));
  return dir;
}

test('login-password piped into the real docker login --password-stdin: the engine checks exactly our token', async () => {
  const docker = requireTool('docker');
  const e = env();
  const configDir = tempDir('dce-tokens-docker-');
  const dockerEnv = { ...e, PATH: dockerOnlyPath(), DOCKER_HOST: engine.host, DOCKER_CONFIG: configDir };
  const shell = await runCommand(
    '/bin/sh',
    [
      '-c',
      `${shellCommand([EXECUTABLE, 'login-password'])} "$1" | ${shellCommand([docker, 'login', '--username', 'AWS', '--password-stdin'])} "$1"`,
      'sh',
      HOST,
    ],
    { env: dockerEnv },
  );
  assert.equal(shell.code, 0, transcript(shell));
  assert.match(shell.stdout, /Login Succeeded/);
  assert.deepEqual(engine.logins, [{ username: 'AWS', password: fake.issued[0].password, serveraddress: HOST }]);
  // With no helper for it, docker keeps the login in config.json's auths, as it does for every registry.
  assert.equal(
    JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')).auths[HOST].auth,
    Buffer.from(`AWS:${fake.issued[0].password}`).toString('base64'),
  );
});

test('a host this helper does not serve, or a mistyped one: exit 1, the reason, nothing on stdout', async () => {
  const other = await runExecutable(['login-password', 'ghcr.io'], { env: env() });
  assert.equal(other.code, 1);
  assert.equal(other.stdout, '');
  assert.match(
    other.stderr,
    /^docker-credential-ecr: ghcr\.io: not a registry this helper serves .*expected <account>\.dkr\.ecr\.<region>\.amazonaws\.com, public\.ecr\.aws/m,
  );
  const typo = await runExecutable(['login-password', '12345.dkr.ecr.us-east-1.amazonaws.com'], { env: env() });
  assert.equal(typo.code, 1);
  assert.match(typo.stderr, /the account ID must have 12 digits \(it has 5\)/);
  const none = await runExecutable(['login-password'], { env: env() });
  assert.equal(none.code, 1);
  assert.match(none.stderr, /login-password: name the registry host/);
  assert.equal(fake.calls.length, 0);
});

test('an AWS failure: the same explanation get gives, exit 1, nothing on stdout', async () => {
  fake.fail('ecr', 'access-denied');
  const result = await runExecutable(['login-password', HOST], { env: env() });
  assert.equal(result.code, 1);
  assert.equal(result.stdout, '');
  assert.match(
    result.stderr,
    /^docker-credential-ecr: 123456789012\.dkr\.ecr\.eu-central-1\.amazonaws\.com: no token from the ECR API in eu-central-1 .*access denied.*ecr:GetAuthorizationToken/m,
  );
});

/** Runs the executable with a pseudo-terminal as stdout (util-linux `script`); returns what reached the terminal. */
function onTerminal(args: string[], e: Record<string, string>): Promise<{ code: number | null; terminal: string }> {
  requireTool('script');
  return new Promise((done, fail) => {
    const command = shellCommand([EXECUTABLE, ...args]);
    const child = spawn('script', ['-q', '-e', '-c', `${command} </dev/null`, '/dev/null'], {
      env: { PATH: process.env.PATH, ...e },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code, terminal: Buffer.concat(out).toString('utf8') }));
    child.stdin.end();
  });
}

test('never on a terminal unless asked: refused without --show, printed with it', async () => {
  const e = env();
  const refused = await onTerminal(['login-password', HOST], e);
  assert.equal(refused.code, 1, refused.terminal);
  assert.match(
    refused.terminal,
    /standard output is a terminal, so the token would stay on screen; pipe it \(`docker-credential-ecr login-password 123456789012\.dkr\.ecr\.eu-central-1\.amazonaws\.com \| docker login --username AWS --password-stdin/,
  );
  assert.equal(fake.calls.length, 0, 'refused before any token was fetched');
  for (const command of [
    ['dockerconfigjson', HOST],
    ['pull-secret', '--name', 'ecr', HOST],
  ]) {
    const other = await onTerminal(command, e);
    assert.equal(other.code, 1, other.terminal);
    assert.match(other.terminal, /standard output is a terminal/);
  }
  const shown = await onTerminal(['login-password', '--show', HOST], e);
  assert.equal(shown.code, 0, shown.terminal);
  assert.equal(shown.terminal.trim(), fake.issued[0].password);
});

/**
 * The GitHub Actions runner's rule (actions/runner ScriptHandler.cs + OutputManager.cs): every line of the step's
 * stdout and of its stderr is checked for a workflow command; `::add-mask::V` registers V and is not logged; every
 * other line is logged with registered values replaced by ***. Lines are handled in arrival order per stream.
 */
function runnerLog(streams: string[]): string {
  const masks: string[] = [];
  const logged: string[] = [];
  for (const line of streams.flatMap((s) => s.split('\n'))) {
    const command = /^\s*::add-mask::(.*)$/.exec(line);
    if (command) masks.push(command[1].replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'));
    else logged.push(line);
  }
  return logged.map((line) => masks.reduce((text, mask) => text.split(mask).join('***'), line)).join('\n');
}

test('under GitHub Actions: masks on stderr before the output; stdout stays exactly the result', async () => {
  const e = env({ GITHUB_ACTIONS: 'true' });
  const result = await runExecutable(['login-password', HOST], { env: e });
  assert.equal(result.code, 0, result.stderr);
  const token = fake.issued[0].password;
  assert.equal(result.stdout, `${token}\n`, 'stdout is what `| docker login --password-stdin` reads');
  const auth = Buffer.from(`AWS:${token}`).toString('base64');
  assert.equal(result.stderr, `::add-mask::${token}\n::add-mask::${auth}\n`);
  // The runner reads both streams: a later step that prints the token (or its base64 auth) shows ***.
  const log = runnerLog([result.stderr, result.stdout, `echo ${token}\n`, `auth ${auth}\n`]);
  assert.doesNotMatch(log, new RegExp(token.slice(0, 40)));
  assert.match(log, /echo \*\*\*\n+auth \*\*\*/);

  const secret = await runExecutable(['pull-secret', '--name', 'ecr-pull', HOST], { env: e });
  assert.equal(secret.code, 0, secret.stderr);
  const manifest = parse(secret.stdout) as { data: Record<string, string> };
  assert.ok(
    secret.stderr.includes(`::add-mask::${manifest.data['.dockerconfigjson']}\n`),
    'the Secret data is masked too',
  );
  assert.doesNotMatch(runnerLog([secret.stderr, secret.stdout]), new RegExp(token.slice(0, 40)));
});

test('under GitHub Actions with stderr a terminal (a person, not the runner): no ::add-mask:: line shows the token on screen', async () => {
  requireTool('script');
  const e = env({ GITHUB_ACTIONS: 'true' });
  const output = join(tempDir(), 'password');
  const terminal = await new Promise<{ code: number | null; text: string }>((done, fail) => {
    // stdout to a file, stderr (and stdin) the pseudo-terminal `script` makes.
    const child = spawn(
      'script',
      ['-q', '-e', '-c', `${shellCommand([EXECUTABLE, 'login-password', HOST])} > ${shellQuote(output)}`, '/dev/null'],
      { env: { PATH: process.env.PATH, ...e }, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code, text: Buffer.concat(out).toString('utf8') }));
    child.stdin.end();
  });
  assert.equal(terminal.code, 0, terminal.text);
  const token = fake.issued[0].password;
  assert.equal(readFileSync(output, 'utf8'), `${token}\n`);
  assert.doesNotMatch(terminal.text, /add-mask/);
  assert.ok(!terminal.text.includes(token.slice(0, 40)), 'the token reached the terminal');
});

test('test of the test: without GITHUB_ACTIONS no mask is written, and the runner rule would log the token', async () => {
  const result = await runExecutable(['login-password', HOST], { env: env() });
  assert.equal(result.stderr, '');
  assert.match(runnerLog([result.stderr, result.stdout]), new RegExp(fake.issued[0].password.slice(0, 40)));
});

test('under GitHub Actions with stderr redirected to a file: no mask line, so the token never lands in that file', async () => {
  const file = join(tempDir('dce-tokens-err-'), 'stderr.txt');
  const fd = openSync(file, 'w');
  try {
    const child = spawn(EXECUTABLE, ['login-password', HOST], {
      env: { PATH: process.env.PATH, ...env({ GITHUB_ACTIONS: 'true' }) },
      stdio: ['ignore', 'pipe', fd],
    });
    const out: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    assert.equal(code, 0);
    assert.equal(Buffer.concat(out).toString(), `${fake.issued[0].password}\n`);
  } finally {
    closeSync(fd);
  }
  assert.equal(readFileSync(file, 'utf8'), '');
});

test('dockerconfigjson: auths for several hosts, each with its own region token; the real docker CLI pulls with it', async () => {
  const result = await runExecutable(['dockerconfigjson', HOST, OTHER_REGION_HOST, 'public.ecr.aws'], { env: env() });
  assert.equal(result.code, 0, result.stderr);
  const config = JSON.parse(result.stdout) as {
    auths: Record<string, { username: string; password: string; auth: string }>;
  };
  assert.deepEqual(Object.keys(config.auths), [HOST, OTHER_REGION_HOST, 'public.ecr.aws']);
  assert.deepEqual(
    fake
      .callsFor('ecr')
      .map((c) => c.region)
      .sort(),
    ['eu-central-1', 'us-west-2'],
  );
  for (const [host, entry] of Object.entries(config.auths)) {
    assert.equal(entry.username, 'AWS');
    assert.ok(
      fake.issued.some((t) => t.password === entry.password),
      host,
    );
    assert.equal(entry.auth, Buffer.from(`AWS:${entry.password}`).toString('base64'));
  }
  assert.notEqual(config.auths[HOST].password, config.auths[OTHER_REGION_HOST].password);

  // As a config.json with only `auths` (what a pod's image pull secret is to the kubelet), for the real docker CLI.
  const docker = requireTool('docker');
  const configDir = tempDir('dce-tokens-dcj-');
  writeFileSync(join(configDir, 'config.json'), result.stdout);
  const pull = await runCommand(docker, ['pull', `${OTHER_REGION_HOST}/repo:tag`], {
    env: { PATH: dockerOnlyPath(), DOCKER_HOST: engine.host, DOCKER_CONFIG: configDir, HOME: configDir },
  });
  assert.equal(pull.code, 0, transcript(pull));
  assert.deepEqual(engine.pulls[0].auth, {
    username: 'AWS',
    password: config.auths[OTHER_REGION_HOST].password,
    serveraddress: OTHER_REGION_HOST,
  });
});

test('pull-secret: a kubernetes.io/dockerconfigjson Secret that passes the Kubernetes schema, with the expiry annotated', async () => {
  const result = await runExecutable(
    ['pull-secret', '--name', 'ecr-pull', '--namespace', 'apps', HOST, 'public.ecr.aws'],
    { env: env() },
  );
  assert.equal(result.code, 0, result.stderr);
  const manifest = parse(result.stdout) as Record<string, unknown> & {
    metadata: { name: string; namespace: string; annotations: Record<string, string> };
    data: Record<string, string>;
  };
  const { Secret } = await import('kubernetes-models/v1');
  new Secret(manifest).validate();
  assert.equal(manifest.apiVersion, 'v1');
  assert.equal(manifest.kind, 'Secret');
  assert.equal(manifest.type, 'kubernetes.io/dockerconfigjson');
  assert.equal(manifest.metadata.name, 'ecr-pull');
  assert.equal(manifest.metadata.namespace, 'apps');
  assert.deepEqual(Object.keys(manifest.data), ['.dockerconfigjson']);
  const config = JSON.parse(Buffer.from(manifest.data['.dockerconfigjson'], 'base64').toString('utf8')) as {
    auths: Record<string, { password: string }>;
  };
  assert.deepEqual(Object.keys(config.auths), [HOST, 'public.ecr.aws']);
  // The earliest expiry of its tokens, in whole seconds, on this machine's clock (the token service corrects
  // AWS's expiry by the clock offset the SDK measured, which here is a fraction of a second).
  const earliest = Math.min(...fake.issued.map((t) => t.expiresAt)) * 1000;
  const annotated = manifest.metadata.annotations['docker-credential-ecr/expires-at'];
  assert.match(annotated, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(Math.abs(Date.parse(annotated) - earliest) <= 2_000, `${annotated} vs ${new Date(earliest).toISOString()}`);
});

test('test of the test: the schema check refuses a broken Secret', async () => {
  const { Secret } = await import('kubernetes-models/v1');
  assert.throws(
    () =>
      new Secret({
        metadata: { name: 'x' },
        type: 'kubernetes.io/dockerconfigjson',
        data: { '.dockerconfigjson': '{not base64}' },
      }).validate(),
    /must match format "byte"/,
  );
});

test('pull-secret refuses names Kubernetes would refuse, and a missing --name', async () => {
  for (const [args, message] of [
    [['pull-secret', HOST], /--name is required/],
    [['pull-secret', '--name', 'Bad_Name', HOST], /--name Bad_Name is not a valid Secret name/],
    [['pull-secret', '--name', 'ok', '--namespace', 'a.b', HOST], /--namespace a\.b is not a valid namespace name/],
  ] as const) {
    const result = await runExecutable([...args], { env: env() });
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, message);
  }
  assert.equal(fake.calls.length, 0);
});

/** `kubectl apply --dry-run=client -o json -f -` of `manifest`: what kubectl would send, or its error. */
async function kubectlDryRun(
  manifest: string,
): Promise<{ code: number | null; object?: Record<string, unknown>; stderr: string }> {
  const kubectl = requireTool('kubectl');
  const api = await startFakeKubeApi();
  try {
    const home = tempDir('dce-kubectl-');
    const result = await runCommand(
      kubectl,
      ['apply', '--dry-run=client', '--validate=false', `--server=${api.url}`, '-o', 'json', '-f', '-'],
      {
        env: { PATH: process.env.PATH ?? '', HOME: home },
        stdin: manifest,
        timeoutMs: 30_000,
      },
    );
    return {
      code: result.code,
      stderr: result.stderr,
      ...(result.code === 0 ? { object: JSON.parse(result.stdout) as Record<string, unknown> } : {}),
    };
  } finally {
    await api.close();
  }
}

test('pull-secret | kubectl apply --dry-run=client -f -: kubectl takes it whole, even for names YAML 1.1 reads as booleans', async () => {
  const e = env();
  for (const [name, namespace] of [
    ['ecr-pull', 'apps'],
    ['y', 'on'],
    ['no', 'off'],
  ] as const) {
    const result = await runExecutable(['pull-secret', '--name', name, '--namespace', namespace, HOST], { env: e });
    assert.equal(result.code, 0, result.stderr);
    const applied = await kubectlDryRun(result.stdout);
    assert.equal(applied.code, 0, applied.stderr);
    const object = applied.object as {
      kind: string;
      type: string;
      metadata: { name: string; namespace: string; annotations: Record<string, string> };
      data: Record<string, string>;
    };
    assert.equal(object.kind, 'Secret');
    assert.equal(object.type, 'kubernetes.io/dockerconfigjson');
    assert.equal(object.metadata.name, name);
    assert.equal(object.metadata.namespace, namespace);
    assert.match(object.metadata.annotations['docker-credential-ecr/expires-at'], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const config = JSON.parse(Buffer.from(object.data['.dockerconfigjson'], 'base64').toString('utf8')) as {
      auths: Record<string, { password: string }>;
    };
    assert.equal(config.auths[HOST].password, fake.issued[0].password);
  }
});

test('test of the test: kubectl refuses the same Secret with `namespace: y` unquoted (a YAML 1.1 boolean)', async () => {
  const applied = await kubectlDryRun(
    'apiVersion: v1\nkind: Secret\nmetadata:\n  name: ecr-pull\n  namespace: y\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: e30=\n',
  );
  assert.notEqual(applied.code, 0);
  // kubectl 1.32 (this machine's) and 1.20 (Debian 12's kubernetes-client) word it differently.
  assert.match(
    applied.stderr,
    /cannot unmarshal bool into Go struct field ObjectMeta\.metadata\.namespace of type string|"namespace":true/,
  );
});
