// Peak memory of a row: GNU time's max RSS.
import { spawnSync } from 'node:child_process';
import { fail } from './bench-error.mjs';

/** Peak memory (max RSS, MiB) of one run of a row's command, `n` times, from GNU time. */
export function peakRssMiB(gnuTime, row, baseEnv, n) {
  const values = [];
  for (let i = 0; i < n; i++) {
    const r = spawnSync(gnuTime, ['-f', '%M', 'sh', '-c', row.command], {
      env: baseEnv,
      encoding: 'utf8',
      timeout: 60_000,
    });
    const kib = Number(/(\d+)\s*$/.exec(r.stderr ?? '')?.[1]);
    if (r.status !== 0 || !kib)
      fail(
        `max RSS of "${row.name}": exit ${r.status ?? r.signal}, stderr ${JSON.stringify((r.stderr ?? '').slice(-300))}`,
      );
    values.push(kib / 1024);
  }
  return values;
}
