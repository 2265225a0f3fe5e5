// Without podman or buildah on PATH, the podman and buildah tests fail naming the Debian package to install.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool } from '../../support/tools';
import { tempDir } from '../../support/temp';

test('a missing podman or buildah fails naming its Debian package', () => {
  const empty = tempDir('dce-podman-nopath-');
  assert.ok(!existsSync(join(empty, 'podman')));
  assert.throws(() => requireTool('podman', empty), {
    message:
      'podman is not on PATH; this end-to-end test needs it: install Debian package podman (npm test installs it as root; elsewhere: sudo node scripts/setup.mjs)',
  });
  assert.throws(
    () => requireTool('buildah', empty),
    /^Error: buildah is not on PATH; .*install Debian package buildah /,
  );
});
