// The package-manager manifests (scripts/lib/manifests.mjs), made from dist/release/checksums.txt: every URL
// names a release file whose SHA-256 (of the file itself, not of checksums.txt) is the one the manifest gives;
// the Homebrew formula passes `ruby -c` (and a copy missing an `end` does not) and, evaluated by Ruby against a
// recording stand-in for Homebrew's Formula DSL, maps each OS and CPU to the right archive; the Scoop and
// winget manifests have what their published schemas require (checked structurally: no schema file is
// obtainable offline here, see docs/install.md), and winget's nested file is in the zip at that path.
// Skipped when dist/release is absent.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { RELEASE, ABSENT, version, scriptLib } from './release-dir';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
/** The URL must be the release's asset URL of a file in dist/release with that hash. */
function assertAsset(url: string, hash: string, expected: string) {
  assert.equal(basename(new URL(url).pathname), expected);
  assert.match(url, new RegExp(`/releases/download/v${version.replace(/\./g, '\\.')}/`));
  assert.equal(hash.toLowerCase(), sha256(join(RELEASE, expected)), `${expected}: the manifest's hash is the file's`);
}

// Homebrew's DSL, recorded: which url/sha256 each on_<os> / on_<cpu> block declares.
const RECORDER = `
require "json"
class Formula
  @@seen = {}; @@os = nil; @@cpu = nil
  def self.desc(v) = @@seen["desc"] = v
  def self.homepage(v) = @@seen["homepage"] = v
  def self.version(v = nil) = (@@seen["version"] = v if v)
  def self.license(v) = @@seen["license"] = v
  def self.on_macos = (@@os = "darwin"; yield; @@os = nil)
  def self.on_linux = (@@os = "linux"; yield; @@os = nil)
  def self.on_arm = (@@cpu = "arm64"; yield; @@cpu = nil)
  def self.on_intel = (@@cpu = "amd64"; yield; @@cpu = nil)
  def self.url(v) = (@@seen["#{@@os}-#{@@cpu}"] ||= {})["url"] = v
  def self.sha256(v) = (@@seen["#{@@os}-#{@@cpu}"] ||= {})["sha256"] = v
  def self.test = nil
  def self.seen = @@seen
end
load ARGV[0]
puts JSON.generate(Formula.seen.merge("install" => DockerCredentialEcr.instance_method(:install).source_location ? true : false))
`;

describe('package-manager manifests', { skip: ABSENT }, () => {
  let out = '';
  before(async () => {
    out = mkdtempSync(join(tmpdir(), 'dce-manifests-'));
    const { writeManifests } = await scriptLib<{
      writeManifests(r: string, o: string, v: string): string;
    }>('manifests.mjs');
    writeManifests(RELEASE, out, version);
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it('Homebrew: ruby -c passes (a copy missing an end fails); each OS and CPU gets its archive with its hash', () => {
    const formula = join(out, 'docker-credential-ecr.rb');
    const ok = spawnSync('ruby', ['-c', formula], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout.trim(), 'Syntax OK');
    const broken = join(out, 'broken.rb');
    writeFileSync(broken, readFileSync(formula, 'utf8').replace(/\nend\n$/, '\n'));
    const bad = spawnSync('ruby', ['-c', broken], { encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /syntax error/);
    const recorder = join(out, 'recorder.rb');
    writeFileSync(recorder, RECORDER);
    const r = spawnSync('ruby', [recorder, formula], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const seen = JSON.parse(r.stdout);
    assert.equal(seen.version, version);
    assert.equal(seen.license, 'Apache-2.0');
    for (const target of ['darwin-arm64', 'darwin-amd64', 'linux-arm64', 'linux-amd64'])
      assertAsset(seen[target].url, seen[target].sha256, `docker-credential-ecr-v${version}.${target}.tar.gz`);
  });

  it('Scoop: the fields its schema requires, 64bit and arm64 zips with their hashes, extract_dir and bin as in the zip', () => {
    const m = JSON.parse(readFileSync(join(out, 'docker-credential-ecr.json'), 'utf8'));
    for (const field of [
      'version',
      'description',
      'homepage',
      'license',
      'architecture',
      'bin',
      'checkver',
      'autoupdate',
    ])
      assert.ok(m[field], field);
    assert.equal(m.version, version);
    assert.equal(m.bin, 'docker-credential-ecr.exe');
    for (const [arch, target] of [
      ['64bit', 'windows-amd64'],
      ['arm64', 'windows-arm64'],
    ]) {
      const a = m.architecture[arch];
      assert.match(a.hash, /^[0-9a-f]{64}$/);
      assertAsset(a.url, a.hash, `docker-credential-ecr-v${version}.${target}.zip`);
      const list = spawnSync('unzip', ['-Z1', join(RELEASE, `docker-credential-ecr-v${version}.${target}.zip`)], {
        encoding: 'utf8',
      }).stdout;
      assert.ok(list.split('\n').includes(`${a.extract_dir}/${m.bin}`), `${a.extract_dir}/${m.bin} is in the zip`);
    }
  });

  it('winget 1.6.0: version, installer (zip with a nested portable, command docker-credential-ecr) and locale manifests', async () => {
    const { WINGET_ID } = await scriptLib<{
      WINGET_ID: string;
    }>('manifests.mjs');
    const read = (suffix: string) => parse(readFileSync(join(out, 'winget', `${WINGET_ID}${suffix}`), 'utf8'));
    const id = /^[^.\s\\/:*?"<>|\x01-\x1f]{1,32}(\.[^.\s\\/:*?"<>|\x01-\x1f]{1,32}){1,7}$/;
    for (const [suffix, type] of [
      ['.yaml', 'version'],
      ['.installer.yaml', 'installer'],
      ['.locale.en-US.yaml', 'defaultLocale'],
    ]) {
      const m = read(suffix);
      assert.match(m.PackageIdentifier, id);
      assert.equal(m.PackageVersion, version);
      assert.equal(m.ManifestType, type);
      assert.equal(m.ManifestVersion, '1.6.0');
    }
    assert.equal(read('.yaml').DefaultLocale, 'en-US');
    const locale = read('.locale.en-US.yaml');
    for (const field of ['PackageLocale', 'Publisher', 'PackageName', 'License', 'ShortDescription'])
      assert.ok(locale[field], field);
    const inst = read('.installer.yaml');
    assert.equal(inst.InstallerType, 'zip');
    assert.equal(inst.NestedInstallerType, 'portable');
    assert.deepEqual(
      inst.Installers.map((i: { Architecture: string }) => i.Architecture),
      ['x64', 'arm64'],
    );
    for (const [i, target] of [
      [0, 'windows-amd64'],
      [1, 'windows-arm64'],
    ] as const) {
      const x = inst.Installers[i];
      assert.match(x.InstallerSha256, /^[A-F0-9]{64}$/);
      assertAsset(x.InstallerUrl, x.InstallerSha256, `docker-credential-ecr-v${version}.${target}.zip`);
      assert.equal(x.NestedInstallerFiles.length, 1);
      assert.equal(x.NestedInstallerFiles[0].PortableCommandAlias, 'docker-credential-ecr');
      const list = spawnSync('unzip', ['-Z1', join(RELEASE, `docker-credential-ecr-v${version}.${target}.zip`)], {
        encoding: 'utf8',
      }).stdout;
      assert.ok(
        list.split('\n').includes(x.NestedInstallerFiles[0].RelativeFilePath.replace(/\\/g, '/')),
        'the nested file is in the zip',
      );
    }
  });
});
