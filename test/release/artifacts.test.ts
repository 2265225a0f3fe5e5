// What `npm run release` wrote to dist/release: every file present, checksums.txt verified by sha256sum, and the
// SBOM. (executable-headers.test.ts checks the executables' headers, licences.test.ts the licence files.)
// Skipped, saying so, when dist/release is absent; a partial or stale release fails.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, RELEASE, ABSENT, version, scriptLib } from './release-dir';
import { Targets } from './release-lib-types';

describe('release artifacts', { skip: ABSENT }, () => {
  it('are all there, and nothing else', async () => {
    const { releaseFiles } = await scriptLib<Targets>('targets.mjs');
    assert.deepEqual(
      readdirSync(RELEASE).sort(),
      releaseFiles(version).sort(),
      `dist/release does not hold the ${version} release: run \`npm run release\` again`,
    );
  });

  it('checksums.txt is in `sha256sum -b` format, lists every other file once, and `sha256sum -c` passes', async () => {
    const { releaseFiles, CHECKSUMS } = await scriptLib<Targets>('targets.mjs');
    const lines = readFileSync(join(RELEASE, CHECKSUMS), 'utf8').split('\n');
    assert.equal(lines.pop(), '', 'checksums.txt ends with a newline');
    for (const line of lines) assert.match(line, /^[0-9a-f]{64} \*[^\s/]+$/);
    assert.deepEqual(
      lines.map((l) => l.slice(66)).sort(),
      releaseFiles(version)
        .filter((f) => f !== CHECKSUMS && f !== 'checksums.txt.minisig')
        .sort(),
    );
    const r = spawnSync('sha256sum', ['--strict', '-c', CHECKSUMS], { cwd: RELEASE, encoding: 'utf8' });
    assert.equal(r.status, 0, `sha256sum -c: ${r.stdout}${r.stderr}${r.error?.message ?? ''}`);
    assert.equal(
      r.stdout
        .trim()
        .split('\n')
        .filter((l) => l.endsWith(': OK')).length,
      lines.length,
    );
  });

  it('the SBOM is CycloneDX and lists every production dependency and every embedded Bun runtime, and no build tool', async () => {
    const { TARGETS, sbomName, executableName } = await scriptLib<Targets>('targets.mjs');
    const bom = JSON.parse(readFileSync(join(RELEASE, sbomName(version)), 'utf8'));
    assert.equal(bom.bomFormat, 'CycloneDX');
    assert.match(bom.specVersion, /^1\.\d+$/);
    assert.equal(bom.metadata.component.name, 'docker-credential-ecr');
    assert.equal(bom.metadata.component.version, version);
    assert.equal(bom.metadata.component.type, 'application');
    const components = new Map<
      string,
      { hashes?: { alg: string; content: string }[]; properties?: { name: string; value: string }[] }
    >(bom.components.map((c: { name: string; version: string }) => [`${c.name}@${c.version}`, c]));
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')).packages as Record<
      string,
      { version: string; dev?: boolean; integrity?: string }
    >;
    const production = Object.entries(lock).filter(([path, p]) => path.startsWith('node_modules/') && !p.dev);
    assert.ok(production.length > 10);
    for (const [path, p] of production) {
      const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
      if (name.startsWith('@oven/')) continue;
      assert.ok(components.has(`${name}@${p.version}`), `${name}@${p.version} is missing from the SBOM`);
    }
    const bunVersion: string = JSON.parse(
      readFileSync(join(ROOT, 'node_modules', 'bun', 'package.json'), 'utf8'),
    ).version;
    for (const t of TARGETS) {
      const c = components.get(`${t.runtimePackage}@${bunVersion}`);
      assert.ok(c, `${t.runtimePackage}@${bunVersion} is missing from the SBOM`);
      const integrity = lock[`node_modules/${t.runtimePackage}`]?.integrity;
      if (integrity)
        assert.deepEqual(c.hashes, [
          { alg: 'SHA-512', content: Buffer.from(integrity.slice('sha512-'.length), 'base64').toString('hex') },
        ]);
      assert.ok(
        c.properties?.some(
          (p) => p.name === 'docker-credential-ecr:embedded-in' && p.value === executableName(version, t),
        ),
      );
    }
    for (const tool of ['bun', 'typescript', 'tsx', '@types/node'])
      assert.ok(
        ![...components.keys()].some((k) => k.startsWith(`${tool}@`)),
        `${tool} (a dev dependency) is in the SBOM`,
      );
  });
});
