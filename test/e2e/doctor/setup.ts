// What the doctor tests share (*.test.ts beside this file): `doctor` through the built executable against the fake
// AWS, on a HOME with a good setup (every line ok, exit 0) or one broken setup per test (exit 1, and the fix that
// names the way out).
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeAws } from '../../support/fake-aws';
import { EXECUTABLE, runExecutable, type ExeResult } from '../../support/executable';
import { tempDir } from '../../support/temp';

export const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const SECRET = 'doctor-secret-access-key-never-printed';

export interface Setup {
  home: string;
  env: Record<string, string>;
}

/** setup() and assertNoSecrets() against `fake` (the file's useFakeAws()). */
export function setupsOn(fake: Pick<FakeAws, 'url' | 'issued'>): {
  setup: (dockerConfig?: unknown, extra?: Record<string, string>) => Setup;
  assertNoSecrets: (result: ExeResult) => void;
} {
  /** A HOME whose Docker config holds `dockerConfig`, with the built executable on PATH and keys in the environment. */
  function setup(
    dockerConfig: unknown = { credHelpers: { [HOST]: 'ecr' } },
    extra: Record<string, string> = {},
  ): Setup {
    const home = tempDir('dce-doctor-');
    const bin = join(home, 'bin');
    mkdirSync(bin);
    symlinkSync(EXECUTABLE, join(bin, 'docker-credential-ecr'));
    mkdirSync(join(home, '.docker'));
    writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify(dockerConfig, null, '\t'));
    return {
      home,
      env: {
        HOME: home,
        PATH: `${bin}:/usr/bin:/bin`,
        AWS_ACCESS_KEY_ID: 'AKIADOCTORTESTKEY001',
        AWS_SECRET_ACCESS_KEY: SECRET,
        AWS_ENDPOINT_URL_ECR: fake.url,
        AWS_ENDPOINT_URL_ECR_PUBLIC: fake.url,
        AWS_ENDPOINT_URL_STS: fake.url,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_REGION: 'eu-west-1',
        DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '4000',
        ...extra,
      },
    };
  }

  function assertNoSecrets(result: ExeResult): void {
    const output = result.stdout + result.stderr;
    assert.doesNotMatch(output, new RegExp(SECRET));
    for (const token of fake.issued)
      assert.ok(!output.includes(token.password.slice(0, 24)), 'a token password was printed');
  }

  return { setup, assertNoSecrets };
}

export const doctor = (s: Setup, ...args: string[]): Promise<ExeResult> =>
  runExecutable(['doctor', ...args], { env: s.env });

/** The output line that reports `status` and matches `pattern`. */
export function line(result: ExeResult, status: 'ok' | 'warn' | 'fail', pattern: RegExp): string {
  const found = result.stdout.split('\n').find((l) => l.startsWith(`${status.padEnd(4)}  `) && pattern.test(l));
  assert.ok(found, `no "${status}" line matching ${pattern} in:\n${result.stdout}`);
  return found;
}
