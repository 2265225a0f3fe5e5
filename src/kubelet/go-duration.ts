// Go's time.Duration.String(), the syntax the kubelet's cacheDuration field is decoded with. Pure.

/**
 * Whole seconds only: the kubelet gains nothing from sub-second precision, and truncating (never rounding up)
 * keeps a cached credential from outliving its token. Go prints hours without a days unit (`36h0m0s`), and
 * always prints the smaller units once a larger one is present (`1h0m0s`, `15m0s`).
 */
export function formatGoDuration(ms: number): string {
  // Infinity or NaN would be a bug upstream; "0s" (do not cache) would hide it, and anything else is unsafe.
  if (!Number.isFinite(ms)) throw new RangeError(`cache duration must be a finite number of milliseconds, got ${ms}`);
  const total = ms <= 0 ? 0 : Math.floor(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}
