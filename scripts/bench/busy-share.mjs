// How busy the machine was just before the run (printed in the header, and a warning above 10 %).
import { readFileSync } from 'node:fs';

/** Share of CPU time the machine spent busy over `ms` (Linux /proc/stat), before the bench adds its own. */
export async function busyShare(ms) {
  const sample = () => {
    try {
      const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
      return { idle: fields[3] + (fields[4] ?? 0), total: fields.reduce((a, b) => a + b, 0) };
    } catch {
      return undefined;
    }
  };
  const a = sample();
  await new Promise((done) => setTimeout(done, ms));
  const b = sample();
  return a && b && b.total > a.total ? 1 - (b.idle - a.idle) / (b.total - a.total) : undefined;
}
