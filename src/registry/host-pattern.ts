// Host patterns of the helper config and of the kubelet's matchImages: `*` stands for exactly one DNS label.
export function isPattern(key: string): boolean {
  return key.includes('*');
}

/** Whether `host` matches `pattern` (both lower-case): `*` matches exactly one label. */
export function matchesPattern(pattern: string, host: string): boolean {
  const p = pattern.split('.');
  const h = host.split('.');
  return p.length === h.length && p.every((label, i) => label === '*' || label === h[i]);
}

/**
 * Orders two patterns that both match: the one with more literal labels is more specific; on a tie, compare
 * label by label from the right (the DNS hierarchy), where a literal beats a `*`.
 */
export function moreSpecific(a: string, b: string): number {
  const literals = (p: string): number => p.split('.').filter((l) => l !== '*').length;
  const difference = literals(b) - literals(a);
  if (difference !== 0) return difference;
  const la = a.split('.').reverse();
  const lb = b.split('.').reverse();
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] === lb[i]) continue;
    if (la[i] === '*') return 1;
    if (lb[i] === '*') return -1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
