// Go's time.Duration syntax, which the kubelet's duration fields are decoded with: String() for the cacheDuration we
// answer with, ParseDuration for the durations a node's config holds (doctor --kubelet). Pure.
import { wholePart } from '../platform/numbers';

/**
 * Whole seconds only: the kubelet gains nothing from sub-second precision, and truncating (never rounding up)
 * keeps a cached credential from outliving its token. Go prints hours without a days unit (`36h0m0s`), and
 * always prints the smaller units once a larger one is present (`1h0m0s`, `15m0s`).
 */
export function formatGoDuration(ms: number): string {
  // Infinity or NaN would be a bug upstream; "0s" (do not cache) would hide it, and anything else is unsafe.
  if (!Number.isFinite(ms)) throw new RangeError(`cache duration must be a finite number of milliseconds, got ${ms}`);
  // wholePart, not Math.floor: a kubelet hit runs this (platform/numbers.ts).
  const total = ms <= 0 ? 0 : wholePart(ms / 1000);
  const hours = wholePart(total / 3600);
  const minutes = wholePart((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

/** Go's time.ParseDuration, for the units the kubelet's configs use; undefined when it does not parse. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const unitMs: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * unitMs[p[2]], 0);
}
