// Issue 26: a new user on a fresh Debian 12 machine goes from nothing to a working private and public `docker pull`
// in at most three commands, installing from the apt repository. The commands are docs/install.md's apt block, run
// as written (only OWNER/REPO filled in) by the user `dev` in a login shell inside the root, in order; the pulls are
// the README quick start's. What the machine has before the first command is in test/support/new-user-root.ts (and
// docs/install.md says it). What stands in for the outside world: OWNER.github.io is a loopback address in the
// root's /etc/hosts, serving over HTTPS (a throwaway CA the root trusts) the Pages site the release workflow builds
// (scripts/lib/apt-repo.mjs buildPagesSite, signed with a throwaway GPG key); AWS is the fake (`endpoint_url`); the
// Docker engine is the fake, which pulls from a real registry (CNCF distribution, htpasswd) with the credentials
// the docker CLI sent. Needs root (chroot, mount, port 443) and dist/release; skipped, saying why, without them.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it, type TestContext } from 'node:test';
import { startFakeAws, type FakeAws } from '../support/fake-aws';
import { startFakeDockerEngine, type FakeDockerEngine } from '../support/fake-docker-engine';
import { startRegistry, type Registry } from '../support/registry';
import { pullFromRegistry } from '../support/registry-pull';
import { startHttpsSite, type HttpsSite } from '../support/https-site';
import { newUserRoot, type NewUserRoot } from '../support/new-user-root';
import { buildPagesSiteIn } from './install-machine';
import { writeOciImage } from '../support/oci-layout';
import { makeCa, makeLeaf } from '../support/tls';
import { requireTool } from '../support/tools';
import { tempDir } from '../support/temp';
import { runCommand, transcript } from '../support/command';
import { extractCommands, type ShownCommand } from '../support/doc-commands';
import { NOT_COMMAND_SPANS, runDocCommand } from '../support/doc-run';
import { DEB_AMD64 } from './doc-exemptions';

const ROOT = resolve(__dirname, '../..');
const version: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
const SKIP = !existsSync(join(ROOT, DEB_AMD64))
  ? `${DEB_AMD64} is absent: run \`npm run release\``
  : process.getuid?.() !== 0
    ? 'needs root: a chroot, a bind mount and port 443'
    : false;
const REGION = 'us-east-1';
const HOST = `123456789012.dkr.ecr.${REGION}.amazonaws.com`;
const TOKEN = `install-apt-token-${Date.now()}`;

interface ProjectModule {
  REPOSITORY: string;
}

/** The commands in the fenced blocks of a page's section (heading to the next heading of the same level). */
function sectionCommands(file: string, heading: string): ShownCommand[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const start = lines.indexOf(heading);
  assert.ok(start >= 0, `${file} has no heading ${JSON.stringify(heading)}`);
  const level = /^#+ /.exec(heading)![0];
  const end = lines.findIndex((l, i) => i > start && l.startsWith(level));
  const all = extractCommands(file, lines.join('\n'), NOT_COMMAND_SPANS);
  return all.filter((c) => c.kind === 'block' && c.line > start && (end < 0 || c.line <= end));
}

describe(
  'a new user on a fresh Debian 12 machine, installing from the apt repository as docs/install.md says',
  { skip: SKIP },
  () => {
    const work = tempDir('dce-install-apt-');
    let fake: FakeAws;
    let registry: Registry | undefined;
    let engine: FakeDockerEngine | undefined;
    let site: HttpsSite | undefined;
    let machine: NewUserRoot | undefined;
    let repository = '';

    before(async () => {
      const skopeo = requireTool('skopeo');
      requireTool('docker');
      fake = await startFakeAws();
      fake.setTokenPassword(TOKEN);
      ({ REPOSITORY: repository } = (await import(
        pathToFileURL(join(ROOT, 'scripts/lib/project.mjs')).href
      )) as ProjectModule);
      const [owner, name] = repository.split('/');
      const pagesHost = `${owner.toLowerCase()}.github.io`;
      const ca = makeCa(join(work, 'ca'));
      const caPem = readFileSync(ca.certFile, 'utf8');
      const registryLeaf = makeLeaf(ca, join(work, 'leaf'), [HOST, 'public.ecr.aws', '127.0.0.1']);
      registry = await startRegistry({
        dir: join(work, 'registry'),
        certFile: registryLeaf.certFile,
        keyFile: registryLeaf.keyFile,
        users: { AWS: TOKEN },
      });
      const trust = join(work, 'trust');
      mkdirSync(trust);
      copyFileSync(ca.certFile, join(trust, 'ca.crt'));
      // The two images the README's quick start pulls, pushed under the names the engine asks the registry for.
      for (const [repo, text] of [
        ['my-app', 'private'],
        ['docker/library/alpine', 'public'],
      ]) {
        const image = writeOciImage(join(work, `oci-${text}`), 'latest', `the ${text} image\n`);
        const pushed = await runCommand(
          skopeo,
          [
            '--insecure-policy',
            'copy',
            '--dest-cert-dir',
            trust,
            '--dest-creds',
            `AWS:${TOKEN}`,
            `oci:${image.dir}:latest`,
            `docker://127.0.0.1:${registry.port}/${repo}:latest`,
          ],
          { env: { PATH: process.env.PATH ?? '', HOME: work }, timeoutMs: 60_000 },
        );
        assert.equal(pushed.code, 0, transcript(pushed) + registry.log());
      }
      engine = await startFakeDockerEngine({
        authorize: (pull) => pullFromRegistry({ port: registry!.port, ca: caPem }, pull),
      });
      await buildPagesSiteIn(work, pagesHost, name, repository);
      site = await startHttpsSite(join(work, 'site'), makeLeaf(ca, join(work, 'leaf'), [pagesHost]));
      machine = newUserRoot({
        engineSocket: engine.socketPath,
        caCert: caPem,
        hosts: [`${site.address} ${pagesHost}`],
        awsEndpoint: fake.url,
        region: REGION,
      });
    });
    after(async () => {
      machine?.remove();
      await site?.close();
      await engine?.close();
      await registry?.close();
      await fake?.close();
    });

    it('three commands at most: the repository, the package, configure; then the private and the public pull work, and before configure the private one does not', async (t: TestContext) => {
      const m = machine!;
      assert.equal(
        DEB_AMD64,
        `dist/release/docker-credential-ecr_${version}_amd64.deb`,
        "the package the exemptions wait for is this version's",
      );
      const [owner, name] = repository.split('/');
      const values = { OWNER: owner, REPO: name, VERSION: version };
      const commands = sectionCommands('docs/install.md', '## Debian and Ubuntu (apt)');
      t.diagnostic(`docs/install.md's apt block: ${commands.length} commands`);
      assert.ok(
        commands.length >= 1 && commands.length <= 3,
        `at most three commands from nothing to a pull; docs/install.md shows ${commands.length}: ${commands.map((c) => c.text).join(' ; ')}`,
      );
      const quickStart = sectionCommands('README.md', '## Quick start');
      const pulls = quickStart.filter((c) => c.text.startsWith('docker pull '));
      assert.deepEqual(
        pulls.map((c) => c.text.split(/[ /]/)[2]),
        [HOST, 'public.ecr.aws'],
        'the quick start pulls a private and a public image',
      );
      // The README's install row shows the same commands (the same text is the same command).
      const row = extractCommands('README.md', readFileSync(join(ROOT, 'README.md'), 'utf8')).filter(
        (c) => c.kind === 'table' && /apt-get|apt\/sources/.test(c.text),
      );
      assert.deepEqual(
        row.map((c) => c.text),
        commands.slice(0, row.length).map((c) => c.text),
        "README.md's apt row shows the start of docs/install.md's block",
      );

      const asUser = { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }, values, launch: m.asUser, timeoutMs: 300_000 };
      const nothing = m.root.run(['sh', '-c', 'command -v docker-credential-ecr; ls /etc/apt/sources.list.d']);
      assert.equal(
        nothing.stdout,
        'debian.sources\n',
        'nothing of the project on the machine before the first command',
      );
      const pull = (c: ShownCommand) => runDocCommand(c, { ...asUser, timeoutMs: 60_000 });
      for (const [i, command] of commands.entries()) {
        if (command.text === 'docker-credential-ecr configure') {
          // Installed but not yet configured: Docker asks no helper for the ECR host, and the registry refuses.
          const refused = await pull(pulls[0]);
          assert.equal(refused.code, 1, `the private pull before configure:\n${transcript(refused)}`);
          assert.match(
            refused.stderr,
            new RegExp(
              `^Error response from daemon: Head "https://${HOST}/v2/my-app/manifests/latest": no basic auth credentials\\n$`,
            ),
            transcript(refused),
          );
          assert.equal(engine!.pulls.at(-1)?.auth?.password, undefined, 'the docker CLI sent no credentials');
          t.diagnostic(`before configure: exit ${refused.code}: ${refused.stderr.trim()}`);
        }
        const r = await runDocCommand(command, asUser);
        assert.equal(
          r.code,
          0,
          `docs/install.md:${command.line}, command ${i + 1} of ${commands.length}, as ${m.root.dir}'s user ran it:\n${r.ran}\n${transcript(r)}`,
        );
        assert.doesNotMatch(r.stderr, /^(E|W): /m, `apt's errors and warnings, even with exit 0:\n${transcript(r)}`);
      }
      for (const p of pulls) {
        const r = await pull(p);
        assert.equal(r.code, 0, `README.md:${p.line}: ${p.text}\n${transcript(r)}`);
        assert.match(r.stdout, /Status: Downloaded newer image for /, transcript(r));
      }
      const [privatePull, publicPull] = engine!.pulls.slice(-2);
      assert.deepEqual(
        [privatePull.fromImage, publicPull.fromImage],
        [`${HOST}/my-app`, 'public.ecr.aws/docker/library/alpine'],
      );
      for (const p of [privatePull, publicPull])
        assert.deepEqual(
          [p.auth?.username, p.auth?.password],
          ['AWS', TOKEN],
          `${p.fromImage}: the credentials the registry took came from the helper`,
        );
      assert.equal(fake.callsFor('ecr').length, 1, 'one ECR token');
      assert.equal(fake.callsFor('ecr-public').length, 1, 'one ECR Public token');
      // What the user's machine fetched from the documented site, over HTTPS.
      const fetched = site!.requests.filter((r) => r.startsWith('GET '));
      const pages = `https://${owner.toLowerCase()}.github.io/${name}`;
      for (const url of [
        `${pages}/docker-credential-ecr.sources`,
        `${pages}/apt/dists/stable/InRelease`,
        `${pages}/apt/pool/main/d/docker-credential-ecr/docker-credential-ecr_${version}_amd64.deb`,
      ])
        assert.ok(fetched.includes(`GET ${url} 200`), `${url} was not fetched: ${fetched.join(', ')}`);
      const v = m.root.run(['docker-credential-ecr', 'version']);
      assert.equal(v.stdout, `docker-credential-ecr ${version}\n`, v.stderr);
      t.diagnostic(`${commands.length} commands: ${commands.map((c) => c.text).join(' ; ')}`);
    });
  },
);
