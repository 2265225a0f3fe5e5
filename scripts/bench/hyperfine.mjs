// The timer of every row: hyperfine, its medians read from its JSON export.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fail } from './bench-error.mjs';
import { ms } from './numbers.mjs';

/**
 * Times rows with hyperfine, in `rounds` invocations of runs/rounds runs each: hyperfine runs one command's runs
 * back to back, so a change of background load would otherwise land on some rows only.
 */
export function hyperfine(
  hyperfinePath,
  rows,
  { baseEnv, warmup, runs, rounds = 1, prepare, jsonPath, ignoreFailure = false },
) {
  const times = rows.map(() => []);
  for (let round = 0; round < rounds; round++) {
    const args = [
      '--shell',
      'sh',
      '--output',
      'pipe',
      '--style',
      'basic',
      '--warmup',
      String(warmup),
      '--runs',
      String(Math.ceil(runs / rounds)),
      '--export-json',
      jsonPath,
    ];
    if (prepare) args.push('--prepare', prepare);
    if (ignoreFailure) args.push('--ignore-failure'); // rows that time an error; validate() checked its message
    for (const row of rows) args.push('--command-name', row.name, row.command);
    const r = spawnSync(hyperfinePath, args, {
      env: baseEnv,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 300_000,
    });
    if (r.status !== 0) fail(`hyperfine failed (exit ${r.status ?? r.signal}):\n${r.stderr || r.stdout}`);
    JSON.parse(readFileSync(jsonPath, 'utf8')).results.forEach((result, i) => times[i].push(...result.times.map(ms)));
  }
  return rows.map((row, i) => ({ ...row, times: times[i] }));
}
