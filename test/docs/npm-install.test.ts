// The npm channel as README.md and docs/platforms.md show it: `npm install -g` of the release's .tgz from the
// directory it was downloaded to, into a prefix of the test's own (npm_config_prefix: the command stays as
// written), then the command and the man page it installs. Needs `npm run release` (CI runs it first); without it
// the lines are listed as not yet run (test/docs/doc-exemptions.ts, until: NPM_TGZ).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { transcript } from '../support/command';
import { tempDir } from '../support/temp';
import { docCommand, runDocCommand, REPO } from '../support/doc-run';
import { NPM_TGZ } from './doc-exemptions';

const TGZ = join(REPO, NPM_TGZ);
const skip = existsSync(TGZ) ? false : `${NPM_TGZ} is missing: run npm run release first`;

for (const [file, text] of [['docs/platforms.md', `npm i -g ${basename(NPM_TGZ)}`]] as const) {
  test(`${file}: ${text} gives a docker-credential-ecr command and its man page`, { skip }, async () => {
    const command = docCommand(file, text);
    const downloads = tempDir('dce-npm-dl-');
    const prefix = join(tempDir('dce-npm-prefix-'), 'global');
    copyFileSync(TGZ, join(downloads, basename(TGZ)));
    const env = {
      PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}`,
      HOME: downloads,
      npm_config_prefix: prefix,
      npm_config_cache: join(downloads, '.npm'),
      // Nothing to fetch (the package has no dependencies); no audit or funding calls to a registry either.
      npm_config_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    };
    const r = await runDocCommand(command, {
      env,
      cwd: downloads,
      after: 'command -v docker-credential-ecr && docker-credential-ecr version',
      timeoutMs: 120_000,
    });
    assert.equal(r.code, 0, `${file}:${command.line}\n${transcript(r)}`);
    assert.equal(
      r.after,
      `${join(prefix, 'bin', 'docker-credential-ecr')}\ndocker-credential-ecr ${basename(NPM_TGZ).replace(/^docker-credential-ecr-|\.tgz$/g, '')}\n`,
      r.after,
    );
    assert.ok(
      existsSync(join(prefix, 'share', 'man', 'man1', 'docker-credential-ecr.1')),
      'the man page is installed where man finds it',
    );
  });
}
