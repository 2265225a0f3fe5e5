// Every row runs once outside the timers first, and must do what it claims.
import { spawnSync } from 'node:child_process';
import { fail } from './bench-error.mjs';

/** Runs a row's command once outside hyperfine and checks it does what it claims (no timing of failures). */
export function validate(row, baseEnv) {
  const r = spawnSync('sh', ['-c', row.command], { env: baseEnv, encoding: 'utf8', timeout: 60_000 });
  const ok = row.expectFailure
    ? r.status === 1 && row.expectFailure.test(r.stderr)
    : r.status === 0 && (row.expect ? row.expect.test(r.stdout) : true);
  if (!ok)
    fail(
      `row "${row.name}" does not work: exit ${r.status ?? r.signal}, stdout ${JSON.stringify(r.stdout.slice(0, 300))}, stderr ${JSON.stringify((r.stderr ?? '').slice(0, 600))}`,
    );
}
