// "AWS's clock": the local clock moved by an offset a test sets, so a client whose clock is off sees what it
// would see against AWS. The Date header, expiry times and the SigV4 window all read it.

export interface Clock {
  /** Date.now() + offsetMs. */
  now(): number;
  readonly offsetMs: number;
  setOffset(ms: number): void;
}

export function createClock(): Clock {
  let offsetMs = 0;
  return {
    now: () => Date.now() + offsetMs,
    get offsetMs() {
      return offsetMs;
    },
    setOffset(ms) {
      if (!Number.isFinite(ms)) throw new Error(`setClockOffset: ${ms} is not a number of milliseconds`);
      offsetMs = ms;
    },
  };
}
