// The rpm repository as the release workflow's publish job makes it, for test/release/dnf.test.ts: the publish
// step from release.yml run with a throwaway key, and the glibc stand-in (see the test's header).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { throwawayGpgKey } from '../support/debian-root';

export const ROOT = resolve(__dirname, '../..');
export const RELEASE = join(ROOT, 'dist', 'release');
export const version: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
export const RPM = `docker-credential-ecr-${version}-1.x86_64.rpm`;
export const STAND_IN = 'dce-test-glibc-stand-in';

export function sh(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd?: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, cwd, maxBuffer: 1 << 26, timeout: 300_000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stdout}${r.stderr}${r.error?.message ?? ''}`);
  return r.stdout;
}

/**
 * The publish job's step that makes the Pages site, as release.yml has it: apt-repo.mjs writes the apt repository
 * and the public key (docker-credential-ecr.asc), then the rpm lines sign the packages and make site/rpm.
 */
function publishStep(): string {
  const workflow = parse(readFileSync(join(ROOT, '.github/workflows/release.yml'), 'utf8'));
  const step = workflow.jobs.publish.steps.find(
    (s: { name?: string }) => s.name === 'apt and rpm repositories, for GitHub Pages',
  );
  assert.ok(step, 'release.yml publish has no step "apt and rpm repositories, for GitHub Pages"');
  const run = step.run as string;
  assert.match(
    run,
    /^node scripts\/lib\/apt-repo\.mjs dist\/release site /m,
    'the site (and its .asc) comes from apt-repo.mjs',
  );
  assert.equal(
    run.split('\n').filter((l) => /site\/rpm/.test(l)).length,
    4,
    `the rpm lines of the publish step changed: ${run}`,
  );
  return run;
}

export type Key = ReturnType<typeof throwawayGpgKey>;

/** Runs the publish step with key in a fresh directory holding `rpms` (and the .debs) as dist/release; returns site/. */
export function publish(work: string, name: string, key: Key, rpms: string[]): string {
  const dir = join(work, name);
  mkdirSync(join(dir, 'dist', 'release'), { recursive: true });
  const debs = readdirSync(RELEASE).filter((f) => f.endsWith('.deb'));
  for (const f of [...rpms, ...debs]) symlinkSync(join(RELEASE, f), join(dir, 'dist', 'release', f));
  symlinkSync(join(ROOT, 'scripts'), join(dir, 'scripts'));
  sh(
    'bash',
    ['-e', '-c', publishStep()],
    { PATH: process.env.PATH, HOME: work, GNUPGHOME: key.home, GPG_KEY_ID: key.keyId },
    dir,
  );
  return join(dir, 'site');
}

/** The release key's public half as publish writes docker-credential-ecr.asc. */
export const armoured = (key: Key): string =>
  sh('gpg', ['--batch', '--armor', '--export', key.keyId], { ...process.env, GNUPGHOME: key.home });

/** The stand-in for the distribution's glibc (see the header): Provides = our rpm's Requires, nothing else. */
export function buildStandIn(work: string): string {
  const top = join(work, 'rpmbuild');
  mkdirSync(join(top, 'SPECS'), { recursive: true });
  const requires = sh('rpm', ['-qp', '--requires', join(RELEASE, RPM)])
    .trim()
    .split('\n')
    .filter((r) => !r.startsWith('rpmlib('));
  assert.ok(requires.includes('libc.so.6(GLIBC_2.17)(64bit)'), requires.join(', '));
  writeFileSync(
    join(top, 'SPECS', 'stand-in.spec'),
    [
      `Name: ${STAND_IN}`,
      'Version: 1',
      'Release: 1',
      'License: Apache-2.0',
      'BuildArch: x86_64',
      'Summary: TEST ONLY, not glibc: declares the glibc capabilities docker-credential-ecr requires, ships no file',
      ...requires.map((r) => `Provides: ${r}`),
      '',
      '%description',
      'Made by test/release/dnf.test.ts, where no Fedora or Amazon Linux glibc package is reachable.',
      '',
      '%files',
      '',
    ].join('\n'),
  );
  sh('rpmbuild', ['-bb', '--define', `_topdir ${top}`, join(top, 'SPECS', 'stand-in.spec')], {
    PATH: process.env.PATH,
    HOME: work,
  });
  return join(top, 'RPMS', 'x86_64', `${STAND_IN}-1-1.x86_64.rpm`);
}
