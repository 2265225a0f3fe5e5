// Fakes shared by a test file: started before the first test, reset before each, closed after the last.
// Each returns a stand-in that forwards to the running fake, so tests write `fake.url` as if they held it.
// At a file's top level Node 20 starts the before() hooks without waiting for each other, so a before() of the
// file's own that needs the fake sees it not running yet: put both in one describe() (whose hooks run in order), or
// start the fake in that before() itself.
import { after, before, beforeEach } from 'node:test';
import { startFakeAws, type FakeAws } from './fake-aws';
import { closeSdkClients, startSdkClients, type SdkClients } from './fake-aws/sdk-clients';
import { startFakeDockerEngine, type EngineOptions, type FakeDockerEngine } from './fake-docker-engine';

/** Forwards every property to what current() returns, once the file's before() has made it. */
function standIn<T extends object>(what: string, current: () => T | undefined): T {
  return new Proxy({} as T, {
    get(_target, prop) {
      const running = current();
      if (!running) throw new Error(`${what} is not running yet (use it inside a test)`);
      const value: unknown = Reflect.get(running, prop);
      return typeof value === 'function' ? value.bind(running) : value;
    },
  });
}

function useRunning<T extends { reset(): void; close(): Promise<void> | void }>(
  what: string,
  start: () => Promise<T>,
  resetEach: boolean,
): T {
  let running: T | undefined;
  before(async () => {
    running = await start();
  });
  after(() => running?.close());
  if (resetEach) beforeEach(() => running?.reset());
  return standIn(what, () => running);
}

export function useFakeAws(options: { resetEach?: boolean } = {}): FakeAws {
  return useRunning('the fake AWS', startFakeAws, options.resetEach !== false);
}

/**
 * The fake AWS and the real SDK v3 clients pointed at it (./fake-aws/sdk-clients.ts), for the fake's own tests:
 * the fake reset before each test, the clients destroyed and the fake closed after the last.
 */
export function useSdkClients(): SdkClients {
  let clients: SdkClients | undefined;
  before(async () => {
    clients = await startSdkClients();
  });
  after(() => closeSdkClients(clients));
  beforeEach(() => clients?.fake.reset());
  const part = <K extends keyof SdkClients>(key: K) => standIn(`the fake AWS's ${key}`, () => clients?.[key]);
  return { fake: part('fake'), ecr: part('ecr'), ecrPublic: part('ecrPublic'), sts: part('sts') };
}

/** A fake Docker Engine, reset before each test. */
export function useFakeDockerEngine(options: EngineOptions = {}): FakeDockerEngine {
  return useRunning('the fake Docker Engine', () => startFakeDockerEngine(options), true);
}
