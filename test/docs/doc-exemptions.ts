// The visible exceptions to "every command the README and docs show is run by a test" (CONTRIBUTING.md, "Commands
// in the docs"). scripts/test.mjs prints every entry on each full run; an entry that no longer matches a shown
// command fails the check, so the list cannot go stale. Empty it as tests take the commands over.

/**
 * Inline code that NAMES a command rather than showing one to type (rule 4 would otherwise count it): no host, an
 * elided `...`, or a description of what another tool does. The exact span text, with why.
 */
export const NOT_COMMANDS: Readonly<Record<string, string>> = {
  'docker login': "Docker's command named (what it stored, where it lands); no registry given",
  'docker logout':
    "Docker's command named (what it erases); the hand-over it describes is tested in test/e2e/creds-store-handover.test.ts",
  'docker login ghcr.io':
    'says where a login lands under credsStore; interactive, tested in test/e2e/creds-store-handover.test.ts',
  'docker pull': "Docker's command named",
  'aws ecr get-login-password | docker login ...': 'the old way, which the README says you never run again; elided',
  'aws ecr get-login-password': "the AWS CLI's command the docs compare with, not one they ask you to run",
  'podman login -u AWS --password-stdin':
    'names what podman runs (no host); tested in test/e2e/podman-buildah/login-logout.test.ts',
  'podman login -u/-p': 'names two options of podman login',
  'podman login': "podman's command named",
  'sha256sum -b': 'says how checksums.txt is made',
  'sha256sum -c':
    'says how checksums.txt is checked; the full command is run (sha256sum -c --ignore-missing checksums.txt)',
  'psexec -s': 'names a way to run as SYSTEM on Windows',
  'sudo -E': 'names a way of running as root that the cache defends against',
  'kubectl apply': "kubectl's command named",
  'npm i -g': "npm's command named (how the man page gets installed)",
  'sudo aws configure': 'names what root running the AWS CLI would do (security.md compares the helper with it)',
  'aws login': "names the AWS CLI's login command, whose token cache the helper checks",
  'sudo -H': 'names a way of running as root (security.md: what it changes about HOME)',
  'sudo -i': 'names a way of running as root (security.md: what it changes about HOME)',
  'sh -c': 'names a launcher in a credential_process line (security.md: lines the key cannot read)',
  'dpkg -i': 'install.md names what test/release/deb.test.ts does in a fresh Debian 12 root',
  'dpkg -r': 'install.md names what test/release/deb.test.ts does in a fresh Debian 12 root',
  'apt-get update':
    'install.md names the step that refuses a repository signed by another key (test/release/deb.test.ts)',
  'rpm --root': 'install.md names how test/release/rpm.test.ts installs the .rpm',
  'rpm -V': 'install.md names what test/release/rpm.test.ts checks',
  'rpm -K':
    'install.md names what test/release/rpm.test.ts checks (the full command, with a package, is run by test/docs/install-channels.test.ts)',
  'dnf install': 'install.md says in prose what `dnf install` did in the test',
  'brew audit': 'install.md names what was not run (needs macOS)',
  'brew install': 'install.md names what was not run (needs macOS)',
  'winget validate': 'install.md names what was not run (Windows only)',
  'node >= 22': "the npm package's engines range, not a command",
  'npm publish --dry-run': 'install.md names what test/release/npm-package.test.ts runs',
  'skopeo inspect': 'install.md names what test/release/image.test.ts runs',
  'buildah run --isolation chroot': 'install.md names how test/release/image.test.ts runs the image',
};

/** Where a shown command is not run, and why: by file (every command in it) or by file and exact text. */
export interface NotYetRun {
  file: string;
  /** The command's text; absent: every command in the file. */
  text?: string;
  why: string;
  /** A path (from the repository root) whose presence ends the exception: then a test must run the command. */
  until?: string;
}

/** The npm package `npm run release` writes (test/docs/npm-install.test.ts installs it as the docs show). */
export const NPM_TGZ = 'dist/release/docker-credential-ecr-0.1.0.tgz';

/** The x86_64 rpm `npm run release` writes (test/release/dnf.test.ts installs it with dnf as the docs show). */
export const RPM_X86_64 = 'dist/release/docker-credential-ecr-0.1.0-1.x86_64.rpm';

/** The Windows executable `npm run release` writes (test/docs/windows.test.ts runs the docs' cmd.exe lines with it). */
export const WINDOWS_EXE = 'dist/release/docker-credential-ecr-v0.1.0.windows-amd64.exe';

/** The Debian package `npm run release` writes (test/docs/install-apt.test.ts installs it from the apt repository as a new user). */
export const DEB_AMD64 = 'dist/release/docker-credential-ecr_0.1.0_amd64.deb';

const APT_ROW =
  "needs the release .deb; with it (as in CI), test/docs/install-apt.test.ts runs docs/install.md's three commands as a new user on a fresh Debian 12 root, this row's two among them";

const CHANNELS =
  'needs the release; with it (as in CI), test/docs/install-channels.test.ts runs it as a new user on a fresh Debian 12 root (or on this machine with its own storage)';

const WINE = "Windows only: nothing here runs Windows, and Wine 8's";

export const NOT_YET_RUN: readonly NotYetRun[] = [
  { file: 'docs/install.md', text: 'npm run release', why: 'as in docs/platforms.md (.ci/run runs this line)' },
  {
    file: 'docs/install.md',
    text: 'apk add libstdc++ libgcc',
    why: 'Alpine only: no Alpine repository is reachable (only npm and Debian)',
  },
  {
    file: 'docs/install.md',
    text: 'sudo dnf install docker-credential-ecr        # yum on Amazon Linux 2',
    why: 'needs the release .rpm; with it (as in CI), test/release/dnf.test.ts runs it in a dnf root against the repository the publish job makes',
    until: RPM_X86_64,
  },
  {
    file: 'docs/install.md',
    text: 'brew install OWNER/tap/docker-credential-ecr',
    why: 'as in README.md (Homebrew needs macOS or its own toolchain): test/release/manifests.test.ts checks the formula',
  },
  {
    file: 'docs/install.md',
    text: 'scoop bucket add docker-credential-ecr https://github.com/OWNER/scoop-bucket',
    why: 'Windows only, and the bucket is published with the first release: test/release/manifests.test.ts checks the Scoop manifest',
  },
  {
    file: 'docs/install.md',
    text: 'scoop install docker-credential-ecr',
    why: 'Windows only: test/release/manifests.test.ts checks the Scoop manifest',
  },
  {
    file: 'docs/install.md',
    text: 'winget install DockerCredentialEcr.DockerCredentialEcr',
    why: 'Windows only: test/release/manifests.test.ts checks the winget manifests',
  },
  {
    file: 'docs/install.md',
    text: 'npm install --global docker-credential-ecr',
    why: 'as in README.md (not published yet): test/docs/npm-install.test.ts installs the release .tgz',
  },
  {
    file: 'docs/install.md',
    text: 'podman run --rm -v /:/host --entrypoint /usr/local/bin/install-kubelet-plugin ghcr.io/OWNER/REPO:VERSION eks',
    why: 'ghcr.io is not reachable and podman run fails in this sandbox (setrlimit): test/release/image.test.ts runs install-kubelet-plugin from the image with buildah',
  },
  ...[
    'curl -fsSLO https://github.com/OWNER/REPO/releases/download/vVERSION/docker-credential-ecr-vVERSION.linux-amd64.tar.gz',
    'curl -fsSLO https://github.com/OWNER/REPO/releases/download/vVERSION/checksums.txt',
    'curl -fsSLO https://github.com/OWNER/REPO/releases/download/vVERSION/checksums.txt.minisig',
    'minisign -Vm checksums.txt -p minisign.pub && sha256sum --ignore-missing -c checksums.txt',
    'tar -xzf docker-credential-ecr-vVERSION.linux-amd64.tar.gz',
    'sudo install -m 0755 docker-credential-ecr-vVERSION.linux-amd64/docker-credential-ecr /usr/local/bin/',
    'docker-credential-ecr version',
    'minisign -Vm checksums.txt -p minisign.pub     # "Signature and comment signature verified"',
    'sha256sum --ignore-missing -c checksums.txt    # "docker-credential-ecr-v0.1.0.linux-amd64.tar.gz: OK"',
    'apt-get install minisign',
    'sudo apt-get install ./docker-credential-ecr_VERSION_amd64.deb',
    'rpm -K docker-credential-ecr-*.rpm            # for a downloaded package: "digests signatures OK"',
    'skopeo copy oci-archive:docker-credential-ecr-VERSION.oci.tar containers-storage:docker-credential-ecr:VERSION',
    'skopeo copy --override-arch amd64 oci-archive:docker-credential-ecr-VERSION.oci.tar docker-archive:dce.tar:docker-credential-ecr:VERSION && docker load -i dce.tar',
    "sudo tee /etc/yum.repos.d/docker-credential-ecr.repo <<'EOF_REPO'\n[docker-credential-ecr]\nname=docker-credential-ecr\nbaseurl=https://OWNER.github.io/REPO/rpm\ngpgcheck=1\nrepo_gpgcheck=1\ngpgkey=https://OWNER.github.io/REPO/docker-credential-ecr.asc\nEOF_REPO",
  ].map((text) => ({ file: 'docs/install.md', text, why: CHANNELS, until: DEB_AMD64 })),
  ...[
    'curl -fsSL https://OWNER.github.io/REPO/docker-credential-ecr.sources | sudo tee /etc/apt/sources.list.d/docker-credential-ecr.sources >/dev/null',
    'sudo apt-get update && sudo apt-get install -y docker-credential-ecr',
  ].map((text) => ({ file: 'docs/install.md', text, why: APT_ROW, until: DEB_AMD64 })),
  {
    file: 'README.md',
    text: 'npm ci && npm run build',
    why: 'the build itself, on a clean clone in CI (.ci/run runs this line; test/docs/ci.test.ts checks); in the suite it would replace the executable every other test file is running',
  },
  {
    file: 'README.md',
    text: 'npm ci && npm run build     # builds dist/docker-credential-ecr, one self-contained executable (~110 MiB, Bun)',
    why: 'as above (.ci/run runs this line)',
  },
  {
    file: 'README.md',
    text: 'npm test                    # unit tests and end-to-end tests against the built executable',
    why: 'the suite itself, which cannot run itself (.ci/run runs this line)',
  },
  { file: 'README.md', text: 'npm test', why: 'the suite itself (.ci/run runs this line)' },
  { file: 'docs/platforms.md', text: 'npm test', why: 'the suite itself (.ci/run runs this line)' },
  {
    file: 'docs/platforms.md',
    text: 'npm run release',
    why: '35-65 s on 2 cores, and it rewrites dist/release while test/release reads it (.ci/run runs this line)',
  },
  {
    file: 'docs/design.md',
    text: 'npm run lint',
    why: 'the linter over src and test, about 15 s (.ci/run runs this line)',
  },
  {
    file: 'docs/performance.md',
    text: 'npm run build',
    why: 'as `npm ci && npm run build`, which .ci/run runs; in the suite it would replace the executable under test',
  },
  {
    file: 'README.md',
    text: 'npm run bench',
    why: 'about 2 minutes of timing on a machine shared with other work, and it needs hyperfine, which the test set-up does not install',
  },
  { file: 'docs/performance.md', text: 'npm run bench', why: 'as in README.md' },
  {
    file: 'README.md',
    text: 'curl -fsSL https://OWNER.github.io/REPO/docker-credential-ecr.sources | sudo tee /etc/apt/sources.list.d/docker-credential-ecr.sources >/dev/null',
    why: APT_ROW,
    until: DEB_AMD64,
  },
  {
    file: 'README.md',
    text: 'sudo apt-get update && sudo apt-get install -y docker-credential-ecr',
    why: APT_ROW,
    until: DEB_AMD64,
  },
  {
    file: 'README.md',
    text: 'sudo dnf install docker-credential-ecr',
    why: 'needs the release .rpm; with it (as in CI), test/release/dnf.test.ts runs it in a dnf root against the repository the publish job makes',
    until: RPM_X86_64,
  },
  {
    file: 'README.md',
    text: 'brew install OWNER/tap/docker-credential-ecr',
    why: 'Homebrew needs macOS or its own toolchain: test/release/manifests.test.ts checks the formula (ruby -c, hashes, URLs)',
  },
  {
    file: 'README.md',
    text: 'scoop install docker-credential-ecr',
    why: 'Windows only: test/release/manifests.test.ts checks the Scoop manifest',
  },
  {
    file: 'README.md',
    text: 'winget install DockerCredentialEcr.DockerCredentialEcr',
    why: 'Windows only: test/release/manifests.test.ts checks the winget manifests',
  },
  {
    file: 'README.md',
    text: 'minisign -Vm checksums.txt -p minisign.pub && sha256sum --ignore-missing -c checksums.txt',
    why: 'needs the published minisign.pub: test/release/archives.test.ts verifies the release signature with the throwaway key the release made, and refuses a changed checksums.txt',
  },
  {
    file: 'README.md',
    text: 'npm install --global docker-credential-ecr',
    why: 'the package is not published yet: test/docs/npm-install.test.ts installs the release .tgz as docs/platforms.md shows it',
  },
  {
    file: 'README.md',
    text: 'COPY --from=ghcr.io/OWNER/REPO:VERSION /usr/local/bin/docker-credential-ecr /usr/local/bin/',
    why: 'a Dockerfile line, and no engine runs here: test/release/image.test.ts checks the path in the image and runs it with buildah',
  },
  {
    file: 'README.md',
    text: 'uses: OWNER/REPO@vVERSION',
    why: 'a workflow line: test/release/action.test.ts runs the Action as a runner does',
  },
  {
    file: 'docs/platforms.md',
    text: 'npm i -g docker-credential-ecr-0.1.0.tgz',
    why: 'the .tgz exists only after `npm run release`; with it (as in CI), test/docs/npm-install.test.ts runs this line',
    until: NPM_TGZ,
  },
  {
    file: 'docs/platforms.md',
    text: 'certutil -hashfile docker-credential-ecr-v0.1.0.windows-amd64.exe SHA256',
    why: `${WINE} certutil.exe is a stub (prints nothing, exit 0): running it would show nothing`,
  },
  {
    file: 'docs/platforms.md',
    text: 'copy /Y docker-credential-ecr-v0.1.0.windows-amd64.exe "%LOCALAPPDATA%\\Microsoft\\WindowsApps\\docker-credential-ecr.exe"',
    why: 'needs the release .exe; with it (as in CI), test/docs/windows.test.ts runs it in cmd.exe under Wine',
    until: WINDOWS_EXE,
  },
  {
    file: 'docs/platforms.md',
    text: 'docker-credential-ecr configure',
    why: 'the cmd.exe block: needs the release .exe; with it (as in CI), test/docs/windows.test.ts runs it under Wine',
    until: WINDOWS_EXE,
  },
  {
    file: 'docs/cache.md',
    text: 'icacls DIR /inheritance:r /grant:r "%USERNAME%:(OI)(CI)F"',
    why: `${WINE} icacls.exe is a stub (prints nothing, exit 0) and Wine has no NTFS ACLs`,
  },
  {
    file: 'docs/platforms.md',
    text: 'xattr -d com.apple.quarantine docker-credential-ecr',
    why: 'macOS only: no macOS here, and no quarantine attribute on Linux',
  },
  {
    file: 'docs/platforms.md',
    text: 'apk add libstdc++ libgcc',
    why: 'Alpine only: no Alpine repository is reachable (only npm and Debian)',
  },
  {
    file: 'docs/kubernetes.md',
    text: 'journalctl -u kubelet | grep -i credential',
    why: 'a node with a kubelet under systemd: no kubelet and no systemd journal here',
  },
];

/**
 * Commands run with a stand-in for a program this machine cannot install: the stand-in checks the arguments and
 * stdin it gets and does nothing else. Which program, and why no real one runs.
 */
export const STAND_INS: Readonly<Record<string, string>> = {
  helm: 'not packaged in Debian 12 and not on npm; no other registry is reachable',
  oras: 'not packaged in Debian 12 and not on npm; no other registry is reachable',
  crictl: 'not packaged in Debian 12 (cri-tools) and needs a CRI runtime socket, which nothing here runs',
};
