// What the identity isolation tests share: the hosts and roles, and a shared HOME whose ~/.aws/config holds only a
// region under [default] (the most common file there is).
import { writeFileSync } from 'node:fs';
import { tempDir } from '../../support/temp';
import { helperEnv } from '../../support/helper-bin';
import type { FakeAws } from '../../support/fake-aws';

export const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
export const ROLE_A = 'arn:aws:iam::123456789012:role/ci-job-a';
export const ROLE_B = 'arn:aws:iam::123456789012:role/ci-job-b';

/** A shared HOME whose ~/.aws/config is `[default]` with a region and nothing else, the helper pointed at `fake`. */
export function sharedHome(fake: FakeAws): { home: string; bare: Record<string, string> } {
  const home = tempDir();
  const bare = helperEnv(fake.url, home);
  delete bare.AWS_ACCESS_KEY_ID;
  delete bare.AWS_SECRET_ACCESS_KEY;
  writeFileSync(bare.AWS_CONFIG_FILE, '[default]\nregion = eu-west-1\n');
  return { home, bare };
}

export const secretOf = (stdout: string): string => (JSON.parse(stdout) as { Secret: string }).Secret;
