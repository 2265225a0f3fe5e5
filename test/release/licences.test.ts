// The release's licences: LICENSE, NOTICE and THIRD-PARTY-NOTICES.txt as release files, in the npm package and
// embedded in every executable, and the notices agreeing with the SBOM. Skipped, saying so, when dist/release is
// absent.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, RELEASE, ABSENT, version, scriptLib } from './release-dir';
import { Targets } from './release-lib-types';

describe('release licences', { skip: ABSENT }, () => {
  const tarList = (file: string) => spawnSync('tar', ['-tzf', file], { encoding: 'utf8' }).stdout.split('\n');

  it('LICENSE, NOTICE and THIRD-PARTY-NOTICES.txt are release files and inside the npm package', async () => {
    const { npmTarballName } = await scriptLib<Targets>('targets.mjs');
    for (const name of ['LICENSE', 'NOTICE', 'THIRD-PARTY-NOTICES.txt']) {
      assert.ok(readFileSync(join(RELEASE, name), 'utf8').length > 200, `${name} in dist/release`);
      assert.ok(
        tarList(join(RELEASE, npmTarballName(version))).includes(`package/${name}`),
        `${name} in the npm package`,
      );
    }
    assert.equal(readFileSync(join(RELEASE, 'LICENSE'), 'utf8'), readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
    assert.match(readFileSync(join(RELEASE, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0/);
    assert.doesNotMatch(
      readFileSync(join(RELEASE, 'LICENSE'), 'utf8'),
      /Amazon/,
      "the appendix names this project, not the file's source",
    );
  });

  it('every executable embeds LICENSE, NOTICE and THIRD-PARTY-NOTICES.txt byte for byte', async () => {
    const { TARGETS, executableName } = await scriptLib<Targets>('targets.mjs');
    const texts = ['LICENSE', 'NOTICE', 'THIRD-PARTY-NOTICES.txt'].map(
      (name) => [name, readFileSync(join(RELEASE, name))] as const,
    );
    for (const t of TARGETS) {
      const bytes = readFileSync(join(RELEASE, executableName(version, t)));
      for (const [name, text] of texts)
        assert.ok(bytes.indexOf(text) !== -1, `${executableName(version, t)} embeds ${name}`);
    }
  });

  it('the third-party notices and the SBOM agree: every npm package with its licence and licence text, Bun with its LGPL parts', () => {
    const notices = readFileSync(join(RELEASE, 'THIRD-PARTY-NOTICES.txt'), 'utf8');
    const bom = JSON.parse(readFileSync(join(RELEASE, `docker-credential-ecr-${version}.cdx.json`), 'utf8'));
    const npmComponents = bom.components.filter(
      (c: { purl?: string; name: string }) => c.purl?.startsWith('pkg:npm/') && !c.name.startsWith('@oven/'),
    );
    assert.ok(npmComponents.length > 10);
    for (const c of npmComponents as { name: string; version: string; licenses?: { license?: { id?: string } }[] }[]) {
      const id = c.licenses?.[0]?.license?.id;
      assert.ok(id, `${c.name}@${c.version} has a licence id in the SBOM`);
      assert.ok(
        notices.includes(`--- ${c.name}@${c.version} (${id}) `),
        `THIRD-PARTY-NOTICES.txt lists ${c.name}@${c.version} as ${id}`,
      );
    }
    const listed = [...notices.matchAll(/^--- (\S+)@(\S+) \(/gm)].map((m) => `${m[1]}@${m[2]}`);
    assert.equal(listed.length, npmComponents.length, 'no package in the notices that the SBOM lacks');
    for (const c of bom.components.filter((x: { name: string }) => x.name.startsWith('@oven/bun-'))) {
      assert.match(c.licenses[0].expression, /^MIT AND LGPL-2\.0-or-later AND /);
    }
    assert.match(notices, /1\. Bun \d+\.\d+\.\d+ \(the runtime inside each executable\)/);
    assert.match(notices, /JavaScriptCore and WebCore \(WebKit\), patched by Oven: LGPL-2\.0-or-later/);
    assert.match(notices, /relink/);
    // A licence text, not just a name: the Apache-2.0 packages ship their LICENSE, the MIT ones theirs.
    assert.match(notices, /--- yaml@[\d.]+ \(ISC\) -+\n\nCopyright/);
  });
});
