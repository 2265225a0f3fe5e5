// What the doctor-verdict tests that pull with the real docker CLI share: a fake engine that decides as ECR does,
// and the stale login Docker keeps in `auths` after a `docker login` with an ECR token.
import { before } from 'node:test';
import type { FakeAws } from '../../support/fake-aws';
import type { FakeDockerEngine, PullRecord } from '../../support/fake-docker-engine';
import { runCommand, type CommandResult } from '../../support/command';
import { requireTool } from '../../support/tools';
import { storedEcrLogin } from '../../support/stored-ecr-login';
import { useFakeDockerEngine } from '../../support/use-fake-aws';
import { IMAGE, type Machine } from './verdict-machine';

export const EXPIRED_TEXT = 'denied: Your authorization token has expired. Reauthenticate and try again.';

export const STALE = storedEcrLogin(Math.floor(Date.now() / 1000) - 3 * 3600);

/** As ECR decides: a token AWS issued works, an old one is "expired", none is "no basic auth credentials". */
function registryAccepts(fake: FakeAws, pull: PullRecord): boolean | string {
  const auth = pull.auth ?? {};
  if (!auth.username && !auth.password) return pull.fromImage.startsWith('public.ecr.aws/');
  if (auth.password === STALE.password) return EXPIRED_TEXT;
  return auth.username === 'AWS' && fake.issued.some((token) => token.password === auth.password);
}

/** The docker CLI, found by useDockerPull()'s before(): read it inside a test. */
export let docker: string;

/** The engine (reset before each test) and `docker pull` on a machine, for the test file that calls it. */
export function useDockerPull(fake: FakeAws): {
  engine: FakeDockerEngine;
  pull: (m: Machine, image?: string) => Promise<CommandResult>;
} {
  before(() => {
    docker = requireTool('docker');
  });
  const engine = useFakeDockerEngine({ authorize: (pull) => registryAccepts(fake, pull) });
  const pull = (m: Machine, image = IMAGE) =>
    runCommand(docker, ['pull', image], {
      env: { ...m.env, DOCKER_HOST: engine.host, PATH: `${m.bin}:${process.env.PATH}` },
      timeoutMs: 20_000,
    });
  return { engine, pull };
}
