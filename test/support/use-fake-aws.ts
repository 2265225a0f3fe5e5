// One fake AWS per test file: started before the first test, reset before each, closed after the last.
// Returns a stand-in that forwards to the running fake, so tests write `fake.url` as if they held it.
import { after, before, beforeEach } from 'node:test';
import { startFakeAws, type FakeAws } from './fake-aws';

export function useFakeAws(options: { resetEach?: boolean } = {}): FakeAws {
  let running: FakeAws | undefined;
  before(async () => {
    running = await startFakeAws();
  });
  after(() => running?.close());
  if (options.resetEach !== false) beforeEach(() => running?.reset());
  return new Proxy({} as FakeAws, {
    get(_target, prop) {
      if (!running) throw new Error('the fake AWS is not running yet (use it inside a test)');
      const value: unknown = Reflect.get(running, prop);
      return typeof value === 'function' ? value.bind(running) : value;
    },
  });
}
