// Math.max, Math.min and Math.floor for what a cache hit computes, without the engine's Math: the first call of one
// of them costs a hit 0.25 MiB of peak memory (the engine compiles a machine-code stub for it; docs/performance.md).

/** Math.max(a, b), NaN included (only the sign of a zero may differ). */
export const larger = (a: number, b: number): number => (a > b || a !== a ? a : b);

/** Math.min(a, b), NaN included (only the sign of a zero may differ). */
export const smaller = (a: number, b: number): number => (a < b || a !== a ? a : b);

/** Math.floor(x) for a finite x >= 0. */
export const wholePart = (x: number): number => x - (x % 1);
