// Math.max, Math.min and Math.floor for what a cache hit computes, without the engine's Math: the first call of one
// of them costs a hit 0.25 MiB of peak memory (the engine compiles a machine-code stub for it; docs/performance.md).

/** Math.max(a, b), NaN included (only the sign of a zero may differ). */
export const larger = (a: number, b: number): number => (a > b || a !== a ? a : b);

/** Math.min(a, b), NaN included (only the sign of a zero may differ). */
export const smaller = (a: number, b: number): number => (a < b || a !== a ? a : b);

/**
 * Math.floor(x) for a finite x >= 0. Held as a small integer where it is one, as Math.floor's result is: a number the
 * engine holds as a double is written as text by its double printer, 0.1 MiB more on a kubelet hit (the duration).
 */
export function wholePart(x: number): number {
  const whole = x - (x % 1);
  return whole <= 0x7fffffff ? whole | 0 : whole;
}
