// The machine docs/install.md's Linux channels are run on (test/docs/install-channels.test.ts): the user `dev` on a
// fresh Debian 12 root (test/support/new-user-root.ts) whose /etc/hosts sends github.com and OWNER.github.io to a
// loopback HTTPS site (a throwaway CA the root trusts) serving dist/release at
// /OWNER/REPO/releases/download/vVERSION/ and the Pages site scripts/lib/apt-repo.mjs builds; and the page's
// "Verify a download" block, run there.
import assert from 'node:assert/strict';
import {
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before } from 'node:test';
import { startHttpsSite, type HttpsSite } from '../support/https-site';
import { newUserRoot, USER, type NewUserRoot } from '../support/new-user-root';
import { throwawayGpgKey } from '../support/debian-root';
import { makeCa, makeLeaf } from '../support/tls';
import { tempDir } from '../support/temp';
import { transcript } from '../support/command';
import { docCommand, runDocCommand, type DocRunOptions } from '../support/doc-run';
import { DEB_AMD64 } from './doc-exemptions';

export const PAGE = 'docs/install.md';
export const ROOT = resolve(__dirname, '../..');
export const RELEASE = join(ROOT, 'dist', 'release');
export const KEY = join(ROOT, 'dist', 'release-key', 'minisign.pub');
export const version: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
export const SKIP =
  !existsSync(join(ROOT, DEB_AMD64)) || !existsSync(KEY)
    ? `${DEB_AMD64} or ${KEY} is absent: run \`npm run release\``
    : process.getuid?.() !== 0
      ? 'needs root: a chroot and port 443'
      : false;
export const TARBALL = `docker-credential-ecr-v${version}.linux-amd64.tar.gz`;
export const TARBALL_OK = new RegExp(`^${TARBALL.replace(/\./g, '\\.')}: OK$`, 'm');

/** The scratch directory of the suite that calls useInstallMachine(). */
export let work = '';
export let site: HttpsSite | undefined;
export let machine: NewUserRoot | undefined;
export let owner = '';
export let name = '';
export let values: Record<string, string> = {};
export const home = () => join(machine!.root.dir, 'home', USER);
export const asUser = (): DocRunOptions => ({
  env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
  values,
  inWords: { VERSION: version },
  launch: machine!.asUser,
  timeoutMs: 120_000,
});
/** What a user downloaded or copied into their home. */
export const give = (from: string, to: string) => {
  copyFileSync(from, join(home(), to));
  chownSync(join(home(), to), machine!.owner.uid, machine!.owner.gid);
};

/**
 * The "Verify a download" block, where the page puts it: in the download directory, before unpacking (afterwards
 * sha256sum finds the unpacked directory under the bare executable's name in checksums.txt, and fails on it). What
 * its comments say each prints; then, as a test of the test, a copy with one byte of checksums.txt changed refused.
 */
export async function verifyBlock(): Promise<void> {
  const verify = [
    docCommand(PAGE, 'minisign -Vm checksums.txt -p minisign.pub     # "Signature and comment signature verified"'),
    docCommand(PAGE, `sha256sum --ignore-missing -c checksums.txt    # "${TARBALL}: OK"`),
  ];
  const said = [/Signature and comment signature verified/, TARBALL_OK];
  for (const [i, command] of verify.entries()) {
    const r = await runDocCommand(command, asUser());
    assert.equal(r.code, 0, `${PAGE}:${command.line}\n${transcript(r)}`);
    assert.match(r.stdout + r.stderr, said[i], transcript(r));
  }
  const changed = join(home(), 'changed');
  mkdirSync(changed);
  for (const f of [TARBALL, 'checksums.txt', 'checksums.txt.minisig', 'minisign.pub'])
    copyFileSync(join(home(), f), join(changed, f));
  writeFileSync(
    join(changed, 'checksums.txt'),
    readFileSync(join(changed, 'checksums.txt'), 'utf8').replace(/^./, (c) => (c === '0' ? '1' : '0')),
  );
  chownRecursive(changed);
  const refused = await runDocCommand(verify[0], { ...asUser(), before: 'cd changed' });
  assert.equal(refused.code, 1, transcript(refused));
  assert.match(refused.stderr + refused.stdout, /Signature verification failed/, transcript(refused));
}
export const chownRecursive = (dir: string) => {
  for (const path of [dir, ...readdirSync(dir).map((f) => join(dir, f))])
    chownSync(path, machine!.owner.uid, machine!.owner.gid);
};

/**
 * The Pages site scripts/lib/apt-repo.mjs builds from dist/release (the apt and rpm repositories, signed with a
 * throwaway key), in work/site/<pagesHost>/<name>, for a site served as https://<pagesHost>/<name>/.
 */
export async function buildPagesSiteIn(
  work: string,
  pagesHost: string,
  name: string,
  repository: string,
): Promise<void> {
  const { buildPagesSite } = (await import(pathToFileURL(join(ROOT, 'scripts/lib/apt-repo.mjs')).href)) as {
    buildPagesSite(o: object): string;
  };
  const key = throwawayGpgKey(work, 'pages');
  buildPagesSite({
    releaseDir: RELEASE,
    out: join(work, 'site', pagesHost, name),
    keyId: key.keyId,
    gnupgHome: key.home,
    repository,
  });
}

/** Makes the machine and the site before the calling suite's tests, and removes them after. */
export function useInstallMachine(): void {
  work = tempDir('dce-install-channels-');
  before(async () => {
    const { REPOSITORY } = (await import(pathToFileURL(join(ROOT, 'scripts/lib/project.mjs')).href)) as {
      REPOSITORY: string;
    };
    [owner, name] = REPOSITORY.split('/');
    values = { OWNER: owner, REPO: name };
    const pagesHost = `${owner.toLowerCase()}.github.io`;
    const downloads = join(work, 'site', 'github.com', owner, name, 'releases', 'download', `v${version}`);
    mkdirSync(downloads, { recursive: true });
    for (const f of readdirSync(RELEASE)) symlinkSync(join(RELEASE, f), join(downloads, f));
    await buildPagesSiteIn(work, pagesHost, name, REPOSITORY);
    const ca = makeCa(join(work, 'ca'));
    site = await startHttpsSite(join(work, 'site'), makeLeaf(ca, join(work, 'leaf'), ['github.com', pagesHost]));
    machine = newUserRoot({
      caCert: readFileSync(ca.certFile, 'utf8'),
      hosts: [`${site.address} github.com`, `${site.address} ${pagesHost}`],
    });
  });
  after(async () => {
    machine?.remove();
    await site?.close();
  });
}
