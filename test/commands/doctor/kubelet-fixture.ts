// What the doctor --kubelet tests share: a good provider config with one change applied, and the check looked for.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubeletProviderConfig } from '../../../src/commands/kubelet-config';
import type { Check } from '../../../src/commands/command-io';
import { readSettings } from '../../../src/platform/settings';
import { tempDir } from '../../support/temp';

export const settings = readSettings({ HOME: '/nonexistent' }, () => undefined);

/** A good config (as kubelet-config writes it) with `change` applied to its one provider. */
export function configWith(change: (provider: Record<string, unknown>) => void, doc?: Record<string, unknown>): string {
  const config =
    doc ?? kubeletProviderConfig({ name: 'ecr-credential-provider', serviceAccountRoles: true, config: undefined });
  change((config.providers as Record<string, unknown>[])[0]);
  const file = join(tempDir(), 'config.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

export function find(checks: Check[], status: Check['status'], pattern: RegExp): Check {
  const found = checks.find((c) => c.status === status && pattern.test(c.message));
  assert.ok(
    found,
    `no ${status} check matching ${pattern} in:\n${checks.map((c) => `${c.status} ${c.message}`).join('\n')}`,
  );
  return found;
}
