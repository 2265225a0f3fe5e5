// The bench's own failures: printed as their message alone, without a stack (see scripts/bench.mjs).
export class BenchError extends Error {}
export const fail = (message) => {
  throw new BenchError(message);
};
