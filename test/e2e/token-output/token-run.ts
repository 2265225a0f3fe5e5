// What the token-output tests share (*.test.ts beside this file): the hosts they ask for, a fresh HOME with keys
// for the fake AWS, a fake Docker Engine that takes exactly the tokens the fake issued, and a PATH with only the
// docker CLI.
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeAws } from '../../support/fake-aws';
import type { FakeDockerEngine } from '../../support/fake-docker-engine';
import { useFakeDockerEngine } from '../../support/use-fake-aws';
import { helperEnv } from '../../support/helper-bin';
import { requireTool } from '../../support/tools';
import { tempDir } from '../../support/temp';

export const HOST = '123456789012.dkr.ecr.eu-central-1.amazonaws.com';
export const OTHER_REGION_HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';

/** env(extra): the environment of a run in a fresh HOME, with keys for `fake` and `extra`. */
export function envOn(fake: Pick<FakeAws, 'url'>): (extra?: Record<string, string>) => Record<string, string> {
  return (extra = {}) => ({ ...helperEnv(fake.url, tempDir('dce-tokens-home-')), ...extra });
}

/** A fake Docker Engine (for the file's tests) that authorizes a pull with a token `fake` issued, and no other. */
export function useEngineFor(fake: FakeAws): FakeDockerEngine {
  return useFakeDockerEngine({
    authorize: (pull) => pull.auth?.username === 'AWS' && fake.issued.some((t) => t.password === pull.auth?.password),
  });
}

/**
 * A PATH with only the docker CLI: otherwise docker, with no credsStore in its config, picks docker-credential-pass
 * when it and `pass` are installed (docker/cli's DetectDefaultStore), and these tests would be about pass.
 */
export function dockerOnlyPath(): string {
  const dir = tempDir('dce-tokens-bin-');
  symlinkSync(requireTool('docker'), join(dir, 'docker'));
  return dir;
}
