// The commands the docs show and no test can run inside the suite (the build, the release, the suite itself; see
// test/docs/doc-exemptions.ts) are run by CI: .ci/run must run each of them exactly as the docs show it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../support/doc-run';
import { NOT_YET_RUN } from './doc-exemptions';

test('.ci/run runs, as written, every command the exceptions say it runs', () => {
  const ci = readFileSync(join(REPO, '.ci/run'), 'utf8').split('\n');
  const byCi = NOT_YET_RUN.filter((e) => e.why.includes('.ci/run runs this line'));
  assert.ok(byCi.length >= 4, 'the build, the release and the suite');
  for (const e of byCi) {
    const command = e.text!.replace(/\s+#.*$/, '');
    assert.ok(ci.includes(command), `${e.file}: .ci/run does not run ${JSON.stringify(command)} as a line of its own`);
  }
});
