// A bound on a piece of work that can be paused: the token fetch gets DOCKER_CREDENTIAL_ECR_TIMEOUT_MS, but the
// time a person takes to type an MFA code is not the network's and does not count.

export interface Deadline {
  /** Rejects with a TimeoutError when the time is up; never resolves. */
  promise: Promise<never>;
  pause(): void;
  resume(): void;
  clear(): void;
}

export class DeadlineError extends Error {
  override name = 'TimeoutError';
}

export function startDeadline(ms: number, now: () => number, onExpire: () => void): Deadline {
  let remaining = ms;
  let startedAt = now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let reject: (error: Error) => void = () => undefined;
  const promise = new Promise<never>((_, fail) => {
    reject = fail;
  });
  promise.catch(() => undefined); // observed by whoever races it; a late rejection is not "unhandled"
  const arm = (): void => {
    timer = setTimeout(
      () => {
        onExpire();
        reject(new DeadlineError(`timed out after ${ms} ms`));
      },
      Math.max(0, remaining),
    );
  };
  arm();
  return {
    promise,
    pause() {
      if (timer === undefined) return;
      clearTimeout(timer);
      timer = undefined;
      remaining -= now() - startedAt;
    },
    resume() {
      if (timer !== undefined) return;
      startedAt = now();
      arm();
    },
    clear() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
