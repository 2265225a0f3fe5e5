// Fakes shared by a test file: started before the first test, reset before each, closed after the last.
// Each returns a stand-in that forwards to the running fake, so tests write `fake.url` as if they held it.
import { after, before, beforeEach } from 'node:test';
import { startFakeAws, type FakeAws } from './fake-aws';
import { startFakeDockerEngine, type EngineOptions, type FakeDockerEngine } from './fake-docker-engine';

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
  return new Proxy({} as T, {
    get(_target, prop) {
      if (!running) throw new Error(`${what} is not running yet (use it inside a test)`);
      const value: unknown = Reflect.get(running, prop);
      return typeof value === 'function' ? value.bind(running) : value;
    },
  });
}

export function useFakeAws(options: { resetEach?: boolean } = {}): FakeAws {
  return useRunning('the fake AWS', startFakeAws, options.resetEach !== false);
}

/** A fake Docker Engine, reset before each test. */
export function useFakeDockerEngine(options: EngineOptions = {}): FakeDockerEngine {
  return useRunning('the fake Docker Engine', () => startFakeDockerEngine(options), true);
}
