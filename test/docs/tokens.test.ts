// docs/tokens.md's table, run as written (HOST filled in): the built helper against the fake AWS, the real docker
// CLI against the fake engine, the real kubectl against a fake API server; helm, oras and crictl, which nothing
// here can install, as stand-ins that record their arguments and stdin (test/docs/doc-exemptions.ts says why).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws, useFakeDockerEngine } from '../support/use-fake-aws';
import { assertBuilt } from '../support/executable';
import { helperEnv, linkHelper, pathWith } from '../support/helper-bin';
import { transcript } from '../support/command';
import { requireTool } from '../support/tools';
import { tempDir } from '../support/temp';
import { makePassStore } from '../support/pass-store';
import { startFakeKubeCluster, type FakeKubeCluster } from '../support/fake-kube-cluster';
import { docCommand, runDocCommand, REPO } from '../support/doc-run';

const TOKENS = 'docs/tokens.md';
const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const fake = useFakeAws();
const engine = useFakeDockerEngine();
const root = tempDir('dce-tokens-');
let bin: string;
let cluster: FakeKubeCluster;

before(async () => {
  requireTool('docker');
  requireTool('kubectl');
  assertBuilt();
  bin = linkHelper(join(root, 'bin'));
  cluster = await startFakeKubeCluster();
});
after(() => cluster?.close());

function user(): { env: Record<string, string>; home: string } {
  const home = tempDir('dce-tokens-home-');
  cluster.writeKubeconfig(join(home, 'kubeconfig'));
  return {
    home,
    env: {
      ...helperEnv(fake.url, home),
      PATH: pathWith(bin),
      DOCKER_HOST: engine.host,
      KUBECONFIG: join(home, 'kubeconfig'),
    },
  };
}

const issued = (password: string): boolean => fake.issued.some((t) => t.password === password);

test('login-password | docker login: the real docker CLI logs in with a token AWS issued for that host', async () => {
  const u = user();
  // Docker's own default store on Linux when pass is installed: docker-credential-pass, here with a real store.
  const pass = makePassStore(join(u.home, 'pass'));
  after(() => pass.close());
  Object.assign(u.env, pass.env);
  const c = docCommand(
    TOKENS,
    'docker-credential-ecr login-password HOST | docker login --username AWS --password-stdin HOST',
  );
  const r = await runDocCommand(c, { env: u.env, values: { HOST } });
  assert.equal(r.code, 0, `${TOKENS}:${c.line}: ${r.ran}\n${transcript(r)}`);
  const login = engine.logins.at(-1);
  assert.equal(login?.username, 'AWS');
  assert.equal(login?.serveraddress, HOST);
  assert.ok(login?.password && issued(login.password), 'docker login sent a token AWS issued');
});

for (const [program, args] of [
  ['helm', ['registry', 'login', '--username', 'AWS', '--password-stdin', HOST]],
  ['oras', ['login', '--username', 'AWS', '--password-stdin', HOST]],
] as const) {
  test(`login-password | ${program} login: ${program} (a stand-in) gets the options shown and the token on stdin`, async () => {
    const c = docCommand(
      TOKENS,
      `docker-credential-ecr login-password HOST | ${program} ${args.slice(0, -1).join(' ')} HOST`,
    );
    const r = await runDocCommand(c, { env: user().env, values: { HOST }, standIns: [program] });
    assert.equal(r.code, 0, `${TOKENS}:${c.line}: ${r.ran}\n${transcript(r)}`);
    assert.deepEqual(
      r.calls[program]?.map((call) => call.args),
      [[...args]],
    );
    assert.ok(issued(r.calls[program][0].stdin.trim()), `${program} got a token AWS issued on stdin, and nothing else`);
    assert.match(r.calls[program][0].stdin, /^[^\n]+\n?$/);
  });
}

test('crictl pull --creds "AWS:$(...)": crictl (a stand-in) gets AWS:<token> as one argument', async () => {
  const c = docCommand(TOKENS, 'crictl pull --creds "AWS:$(docker-credential-ecr login-password HOST)" HOST/repo:tag');
  const r = await runDocCommand(c, { env: user().env, values: { HOST }, standIns: ['crictl'] });
  assert.equal(r.code, 0, `${TOKENS}:${c.line}: ${r.ran}\n${transcript(r)}`);
  const [call] = r.calls.crictl;
  assert.deepEqual(call.args.slice(0, 2), ['pull', '--creds']);
  assert.equal(call.args[3], `${HOST}/repo:tag`);
  assert.match(call.args[2], /^AWS:/);
  assert.ok(issued(call.args[2].slice(4)), 'the password is a token AWS issued');
});

test('PASSWORD=$(docker-credential-ecr login-password HOST) sets the password and prints nothing', async () => {
  const c = docCommand(TOKENS, 'PASSWORD=$(docker-credential-ecr login-password HOST)');
  const r = await runDocCommand(c, { env: user().env, values: { HOST }, after: 'printf %s "$PASSWORD"' });
  assert.equal(r.code, 0, `${TOKENS}:${c.line}\n${transcript(r)}`);
  assert.equal(r.stdout, '');
  assert.ok(issued(r.after), `$PASSWORD is a token AWS issued: ${r.after.length} characters`);
});

test('dockerconfigjson --output config.json HOST...: a 0600 file with auths for every host', async () => {
  const u = user();
  const c = docCommand(TOKENS, 'docker-credential-ecr dockerconfigjson --output config.json HOST...');
  const r = await runDocCommand(c, { env: u.env, cwd: u.home, values: { 'HOST...': `${HOST} public.ecr.aws` } });
  assert.equal(r.code, 0, `${TOKENS}:${c.line}: ${r.ran}\n${transcript(r)}`);
  assert.equal(statSync(join(u.home, 'config.json')).mode & 0o777, 0o600);
  const auths = (
    JSON.parse(readFileSync(join(u.home, 'config.json'), 'utf8')) as { auths: Record<string, { auth: string }> }
  ).auths;
  assert.deepEqual(Object.keys(auths).sort(), [HOST, 'public.ecr.aws'].sort());
  for (const { auth } of Object.values(auths))
    assert.ok(issued(Buffer.from(auth, 'base64').toString().replace(/^AWS:/, '')));
});

test('pull-secret | kubectl apply -f -: the real kubectl creates the Secret in the namespace, then the CronJob runs once by hand', async () => {
  const u = user();
  const c = docCommand(
    TOKENS,
    'docker-credential-ecr pull-secret --name ecr-pull [--namespace NS] HOST... | kubectl apply -f -',
  );
  const r = await runDocCommand(c, {
    env: u.env,
    values: { '[--namespace NS]': '--namespace apps', 'HOST...': `${HOST} public.ecr.aws` },
  });
  assert.equal(r.code, 0, `${TOKENS}:${c.line}: ${r.ran}\n${transcript(r)}`);
  assert.match(r.stdout, /secret\/ecr-pull created/);
  const secret = cluster.objects.get('apps/secrets/ecr-pull') as
    { type: string; data: Record<string, string> } | undefined;
  assert.equal(secret?.type, 'kubernetes.io/dockerconfigjson');
  const auths = (
    JSON.parse(Buffer.from(secret.data['.dockerconfigjson'], 'base64').toString()) as { auths: Record<string, unknown> }
  ).auths;
  assert.deepEqual(Object.keys(auths).sort(), [HOST, 'public.ecr.aws'].sort());

  const dry = docCommand(TOKENS, 'kubectl apply --dry-run=client -f -');
  // A namespace called `on`, which YAML 1.1 would read as true, piped in as the page says.
  const d = await runDocCommand(dry, {
    env: u.env,
    cwd: u.home,
    before: `docker-credential-ecr pull-secret --name ecr-pull --namespace on ${HOST} > secret.yaml && exec < secret.yaml`,
  });
  assert.equal(d.code, 0, `${TOKENS}:${dry.line}\n${transcript(d)}`);
  assert.match(d.stdout, /^secret\/ecr-pull created \(dry run\)$/m, transcript(d));
  // And with nothing on stdin (pull-secret failed) kubectl fails, as the CronJob's comment says.
  const empty = await runDocCommand(dry, { env: u.env });
  assert.notEqual(empty.code, 0);
  assert.match(empty.stderr, /no objects passed to apply/, transcript(empty));

  // The CronJob of the page, as `kubectl apply` would have put it there; then the page's command to run it now.
  const yaml = readFileSync(join(REPO, TOKENS), 'utf8');
  const line = /- (docker-credential-ecr pull-secret .*\| kubectl apply -f -)$/m.exec(yaml)?.[1];
  assert.ok(line, `${TOKENS}: the CronJob's command line`);
  const container = { name: 'refresh', image: 'your-registry/tools:latest', command: ['/bin/sh', '-c', line] };
  cluster.objects.set('apps/cronjobs/ecr-pull-secret', {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'ecr-pull-secret', namespace: 'apps', uid: 'c1' },
    spec: {
      schedule: '0 */6 * * *',
      jobTemplate: {
        spec: {
          backoffLimit: 3,
          template: {
            spec: { serviceAccountName: 'ecr-pull-secret', restartPolicy: 'OnFailure', containers: [container] },
          },
        },
      },
    },
  });
  const run = docCommand(TOKENS, 'kubectl -n apps create job --from=cronjob/ecr-pull-secret first-run');
  const j = await runDocCommand(run, { env: u.env });
  assert.equal(j.code, 0, `${TOKENS}:${run.line}\n${transcript(j)}`);
  assert.match(j.stdout, /^job\.batch\/.* created$/m, transcript(j));
  // kubectl sends the Job as protobuf, in which its strings stand as they are.
  const job = (cluster.objects.get('apps/jobs/from-protobuf') as { protobuf?: string } | undefined)?.protobuf ?? '';
  for (const part of ['first-run', 'cronjob.kubernetes.io/instantiate', 'manual', line, 'ecr-pull-secret'])
    assert.ok(job.includes(part), `the Job kubectl sent has ${part}`);
});
