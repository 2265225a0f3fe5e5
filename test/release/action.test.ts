// The GitHub Action (action.yml -> packaging/action/run.sh), run as a runner runs a composite step: bash with
// the INPUT_* values action.yml maps, GITHUB_ACTIONS=true, RUNNER_OS/ARCH/TEMP/TOOL_CACHE, and the
// GITHUB_OUTPUT, GITHUB_ENV and GITHUB_PATH files, downloading from a file: mirror of dist/release (the
// release-url input) and talking to the fake AWS. Checks: the archive is checked against checksums.txt (a
// wrong hash is refused, exit 1, nothing installed), the helper lands on GITHUB_PATH and runs, Docker's
// config routes the registries to it, `registry` is set, credentials outputs appear only when asked, masked,
// and http-proxy reaches both GITHUB_ENV and the AWS calls. Skipped when dist/release is absent.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { tempDir } from '../support/temp';
import { useFakeAws } from '../support/use-fake-aws';
import { ROOT, RELEASE, ABSENT, version } from './release-dir';

const ACCOUNT = '123456789012';
const HOST = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  output: Record<string, string>;
  env: string;
  path: string[];
  home: string;
}

describe('GitHub Action', { skip: ABSENT }, () => {
  const fake = useFakeAws();
  const dir = tempDir('dce-action-');
  const mirror = join(dir, 'mirror');
  before(() => {
    mkdirSync(join(mirror, `v${version}`), { recursive: true });
    for (const f of [`docker-credential-ecr-v${version}.linux-amd64.tar.gz`, 'checksums.txt'])
      symlinkSync(join(RELEASE, f), join(mirror, `v${version}`, f));
  });

  /** Runs the step as action.yml declares it: its env block, with `inputs` (names as in action.yml). */
  async function runAction(
    inputs: Record<string, string>,
    releaseUrl = `file://${mirror}`,
    extra: Record<string, string | undefined> = {},
  ): Promise<Run> {
    const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8'));
    const step = action.runs.steps[0];
    const run = mkdtempSync(join(dir, 'run-'));
    const files = { GITHUB_OUTPUT: join(run, 'output'), GITHUB_ENV: join(run, 'env'), GITHUB_PATH: join(run, 'path') };
    for (const f of Object.values(files)) writeFileSync(f, '');
    const home = join(run, 'home');
    mkdirSync(home);
    const env: Record<string, string> = {
      PATH: process.env.PATH!,
      HOME: home,
      GITHUB_ACTIONS: 'true',
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64',
      RUNNER_TEMP: join(run, 'temp'),
      RUNNER_TOOL_CACHE: join(run, 'tools'),
      GITHUB_ACTION_PATH: ROOT,
      ...files,
    };
    mkdirSync(env.RUNNER_TEMP);
    env.AWS_ACCESS_KEY_ID = 'AKIAACTIONTESTKEY001';
    env.AWS_SECRET_ACCESS_KEY = 'action-test-secret';
    env.AWS_ENDPOINT_URL_ECR = fake.url;
    env.AWS_ENDPOINT_URL_ECR_PUBLIC = fake.url;
    env.AWS_ENDPOINT_URL_STS = fake.url;
    env.AWS_EC2_METADATA_DISABLED = 'true';
    // The step's env block, with ${{ inputs.x }} filled from `inputs` or the input's default.
    for (const [name, value] of Object.entries(step.env as Record<string, string>)) {
      const input = /^\$\{\{ inputs\.([\w-]+) \}\}$/.exec(value)?.[1];
      if (input) env[name] = inputs[input] ?? action.inputs[input].default;
      else if (value === '${{ github.action_ref }}') env[name] = `v${version}`;
      else if (value === '${{ github.action_repository }}') env[name] = 'owner/docker-credential-ecr';
    }
    if (releaseUrl) env.INPUT_RELEASE_URL = releaseUrl;
    for (const [k, v] of Object.entries(extra))
      if (v === undefined) delete env[k];
      else env[k] = v;
    const script = step.run.replace('$GITHUB_ACTION_PATH', ROOT).replace(/^bash /, '');
    const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn('bash', ['-c', `bash ${script}`], { env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.on('close', (status) => done({ status, stdout, stderr }));
    });
    const output = Object.fromEntries(
      readFileSync(files.GITHUB_OUTPUT, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    return {
      ...r,
      output,
      env: readFileSync(files.GITHUB_ENV, 'utf8'),
      path: readFileSync(files.GITHUB_PATH, 'utf8').split('\n').filter(Boolean),
      home,
    };
  }

  it('installs the checked release on GITHUB_PATH, configures Docker for the account, sets registry and, when asked, masked credentials', async () => {
    fake.reset();
    const r = await runAction({ registries: ACCOUNT, region: 'eu-west-1', 'output-credentials': 'true' });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    assert.equal(r.path.length, 1);
    const v = spawnSync(join(r.path[0], 'docker-credential-ecr'), ['version'], { encoding: 'utf8' });
    assert.equal(v.stdout, `docker-credential-ecr ${version}\n`);
    const config = JSON.parse(readFileSync(join(r.home, '.docker', 'config.json'), 'utf8'));
    assert.equal(config.credHelpers[HOST], 'ecr');
    assert.equal(r.output.registry, HOST);
    const key = HOST.replace(/[.-]/g, '_');
    assert.equal(r.output[`docker_username_${key}`], 'AWS');
    const secret = r.output[`docker_password_${key}`];
    assert.ok(secret && secret.length > 20);
    assert.ok(r.stdout.includes(`::add-mask::${secret}`), 'the password is masked before it is written');
    assert.equal(fake.callsFor('ecr').length, 1);
  });

  it('without output-credentials: no credentials outputs; registry-type public configures public.ecr.aws', async () => {
    const r = await runAction({ 'registry-type': 'public' });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    assert.equal(r.output.registry, 'public.ecr.aws');
    assert.deepEqual(
      Object.keys(r.output).filter((k) => k.startsWith('docker_')),
      [],
    );
    assert.equal(
      JSON.parse(readFileSync(join(r.home, '.docker', 'config.json'), 'utf8')).credHelpers['public.ecr.aws'],
      'ecr',
    );
  });

  it('http-proxy goes to GITHUB_ENV for later steps and carries the token calls', async () => {
    fake.reset();
    // No endpoint override: the helper calls the real ECR Public host through the proxy, which the fake is too
    // (it terminates the tunnel with a certificate from its CA, trusted through AWS_CA_BUNDLE).
    const r = await runAction(
      { 'registry-type': 'public', 'output-credentials': 'true', 'http-proxy': fake.url },
      undefined,
      { AWS_ENDPOINT_URL_ECR_PUBLIC: undefined, AWS_ENDPOINT_URL_STS: undefined, AWS_CA_BUNDLE: fake.caFile },
    );
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    assert.match(r.env, new RegExp(`^HTTPS_PROXY=${fake.url}$`, 'm'));
    assert.deepEqual(
      fake.connects,
      ['api.ecr-public.us-east-1.amazonaws.com:443'],
      'the token call went through the proxy',
    );
    assert.equal(fake.callsFor('ecr-public').length, 1);
  });

  it('refuses an archive whose hash is not the one in checksums.txt: exit 1, an error annotation, nothing on PATH', async () => {
    const bad = join(dir, 'bad');
    mkdirSync(join(bad, `v${version}`), { recursive: true });
    const archive = `docker-credential-ecr-v${version}.linux-amd64.tar.gz`;
    symlinkSync(join(RELEASE, archive), join(bad, `v${version}`, archive));
    writeFileSync(
      join(bad, `v${version}`, 'checksums.txt'),
      readFileSync(join(RELEASE, 'checksums.txt'), 'utf8').replace(
        new RegExp(`^[0-9a-f]{64}(?= \\*${archive.replace(/\./g, '\\.')}$)`, 'm'),
        '0'.repeat(64),
      ),
    );
    const r = await runAction({ registries: HOST }, `file://${bad}`);
    assert.equal(r.status, 1);
    assert.match(
      r.stdout,
      new RegExp(`::error::docker-credential-ecr: ${archive.replace(/\./g, '\\.')} does not match checksums.txt`),
    );
    assert.deepEqual(r.path, []);
    assert.ok(!existsSync(join(r.home, '.docker', 'config.json')));
  });
});
