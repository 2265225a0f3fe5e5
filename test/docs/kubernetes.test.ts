// docs/kubernetes.md's commands, run as written: the kubelet exchange with the built helper against the fake AWS,
// and the node installs with `sudo` in a scratch root (a private mount namespace whose /etc and /usr/local are
// overlays: the writes land in a temporary directory, never on this machine; `sudo` runs its command as is, as
// root), judged the way a node's kubelet would find them: the plugin in its bin dir, doctor --kubelet passing.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { useFakeAws } from '../support/use-fake-aws';
import { assertBuilt, EXECUTABLE } from '../support/executable';
import { helperEnv, linkHelper, pathWith } from '../support/helper-bin';
import { transcript } from '../support/command';
import { shellQuote } from '../support/shell';
import { tempDir } from '../support/temp';
import { docCommand, docTranscripts, runDocCommand, scratchPath } from '../support/doc-run';

const KUBE = 'docs/kubernetes.md';
const fake = useFakeAws();
const root = tempDir('dce-kube-doc-');
let bin: string;

before(() => {
  assertBuilt();
  bin = linkHelper(join(root, 'bin'));
});

/** A node's shell: root's HOME of its own, AWS keys, the helper on PATH, and the downloaded executable in the cwd. */
function node(): { env: Record<string, string>; cwd: string; scratch: string } {
  const home = tempDir('dce-kube-home-');
  copyFileSync(EXECUTABLE, join(home, 'docker-credential-ecr'));
  return {
    env: { ...helperEnv(fake.url, home), AWS_REGION: 'eu-west-1', PATH: pathWith(bin) },
    cwd: home,
    scratch: tempDir('dce-kube-root-'),
  };
}

/** What nodeadm writes on an EKS node (/work/shared/reference/kubelet.md): AWS's plugin and its config. */
const EKS_CONFIG = {
  apiVersion: 'kubelet.config.k8s.io/v1',
  kind: 'CredentialProviderConfig',
  providers: [
    {
      name: 'ecr-credential-provider',
      matchImages: [
        '*.dkr.ecr.*.amazonaws.com',
        '*.dkr-ecr.*.on.aws',
        '*.dkr.ecr.*.amazonaws.com.cn',
        '*.dkr-ecr.*.on.amazonwebservices.com.cn',
        '*.dkr.ecr-fips.*.amazonaws.com',
        '*.dkr-ecr-fips.*.on.aws',
        '*.dkr.ecr.*.c2s.ic.gov',
        '*.dkr.ecr.*.sc2s.sgov.gov',
        '*.dkr.ecr.*.cloud.adc-e.uk',
        '*.dkr.ecr.*.csp.hci.ic.gov',
        '*.dkr.ecr.*.amazonaws.eu',
        'public.ecr.aws',
        'ecr-public.aws.com',
      ],
      defaultCacheDuration: '12h',
      apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
    },
  ],
};

test('the kubelet exchange shown: a CredentialProviderResponse of the same shape, with a token AWS issued', async () => {
  const [shown] = docTranscripts(KUBE, readExchange());
  const r = await runDocCommand(shown, { env: node().env });
  assert.equal(r.code, 0, `${KUBE}:${shown.line}\n${transcript(r)}`);
  const got = JSON.parse(r.stdout) as {
    auth: Record<string, { username: string; password: string }>;
    cacheDuration: string;
  };
  const want = JSON.parse(shown.output!.join('\n')) as typeof got;
  assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), 'the same fields as the page shows');
  assert.deepEqual(Object.keys(got.auth), Object.keys(want.auth));
  assert.equal(Object.values(got.auth)[0]?.username, 'AWS');
  assert.ok(fake.issued.some((t) => t.password === Object.values(got.auth)[0]?.password));
  assert.match(got.cacheDuration, /^11h4\dm\d+s$/);
  // The bare command the page names, with a request on stdin as the kubelet sends it.
  const bare = docCommand(KUBE, 'docker-credential-ecr kubelet-credential-provider');
  const b = await runDocCommand(bare, {
    env: node().env,
    stdin: JSON.stringify({
      kind: 'CredentialProviderRequest',
      apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
      image: 'public.ecr.aws/x/y',
    }),
  });
  assert.equal(b.code, 0, transcript(b));
  assert.ok((JSON.parse(b.stdout) as { auth: Record<string, unknown> }).auth['public.ecr.aws']);
});

/** The text of the page's `$ echo ... | docker-credential-ecr kubelet-credential-provider` line. */
function readExchange(): string {
  const page = readFileSync(join(__dirname, '../..', KUBE), 'utf8');
  const m = /^\$ (echo '[^\n]*' \\\n\s+\| docker-credential-ecr kubelet-credential-provider)$/m.exec(page);
  assert.ok(m, `${KUBE}: the kubelet exchange`);
  return m[1];
}

test("on EKS: install over AWS's plugin, then doctor --kubelet passes on the node's own config", async () => {
  const n = node();
  const dir = '/etc/eks/image-credential-provider';
  // The node as nodeadm left it: AWS's plugin and its config.
  const before = `mkdir -p ${dir} && printf '%s' ${shellQuote(JSON.stringify(EKS_CONFIG))} > ${dir}/config.json && echo aws-plugin > ${dir}/ecr-credential-provider`;
  const install = docCommand(KUBE, `sudo install -m 0755 docker-credential-ecr ${dir}/ecr-credential-provider`);
  const doctor = docCommand(KUBE, `docker-credential-ecr doctor --kubelet ${dir}/config.json --bin-dir ${dir}`);
  assert.equal(doctor.line, install.line + 1, 'one block');
  const i = await runDocCommand(install, { env: n.env, cwd: n.cwd, scratch: n.scratch, before });
  assert.equal(i.code, 0, `${KUBE}:${install.line}\n${transcript(i)}`);
  const plugin = scratchPath(n.scratch, `${dir}/ecr-credential-provider`);
  assert.equal(statSync(plugin).mode & 0o777, 0o755);
  assert.deepEqual(readFileSync(plugin), readFileSync(EXECUTABLE), "the helper replaced AWS's plugin");
  // The doctor line, run inside the same scratch root (it reads the node's files there).
  const d = await runDocCommand(doctor, { env: n.env, cwd: n.cwd, scratch: n.scratch });
  assert.equal(
    d.code,
    0,
    `${KUBE}:${doctor.line}: AWS's stock EKS config passes on a commercial node\n${transcript(d)}`,
  );
  assert.match(d.stdout + d.stderr, /\d+ ok, \d+ warnings?, 0 failed/);
});

test('elsewhere: install into a plugin directory and write the config with sudo tee; the kubelet would find both', async () => {
  const n = node();
  const install = docCommand(
    KUBE,
    'sudo install -D -m 0755 docker-credential-ecr /usr/local/libexec/kubelet-plugins/ecr-credential-provider',
  );
  const config = docCommand(
    KUBE,
    'docker-credential-ecr kubelet-config --service-account-roles | sudo tee /etc/kubernetes/credential-providers.json',
  );
  // A kubeadm node has /etc/kubernetes; nothing has the plugin directory before this.
  const i = await runDocCommand(install, {
    env: n.env,
    cwd: n.cwd,
    scratch: n.scratch,
    before: 'mkdir -p /etc/kubernetes',
  });
  assert.equal(i.code, 0, `${KUBE}:${install.line}\n${transcript(i)}`);
  const c = await runDocCommand(config, {
    env: n.env,
    cwd: n.cwd,
    scratch: n.scratch,
    after:
      'docker-credential-ecr doctor --kubelet /etc/kubernetes/credential-providers.json --bin-dir /usr/local/libexec/kubelet-plugins',
  });
  assert.equal(c.code, 0, `${KUBE}:${config.line}\n${transcript(c)}`);
  const written = readFileSync(scratchPath(n.scratch, '/etc/kubernetes/credential-providers.json'), 'utf8');
  assert.equal(written, c.stdout, 'tee wrote what it printed');
  const providers = (JSON.parse(written) as { providers: { name: string; tokenAttributes?: unknown }[] }).providers;
  assert.equal(providers[0]?.name, 'ecr-credential-provider');
  assert.ok(providers[0]?.tokenAttributes, '--service-account-roles writes tokenAttributes');
  assert.equal(
    statSync(scratchPath(n.scratch, '/usr/local/libexec/kubelet-plugins/ecr-credential-provider')).mode & 0o777,
    0o755,
  );
  assert.match(c.after, /\d+ ok, \d+ warnings?, 0 failed/, `doctor --kubelet on what the two lines wrote:\n${c.after}`);
});
