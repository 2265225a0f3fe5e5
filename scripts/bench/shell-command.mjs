// The `sh -c` text of a row: see scripts/bench.mjs for why every row runs through a here-document.
import { PRIVATE_HOST } from './names.mjs';

export const shq = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

/** `sh -c` text for one row: variables, then exec, stdin from a here-document (a pipe in dash). */
export function shellCommand(argv, { env = {}, input = PRIVATE_HOST } = {}) {
  const vars = Object.entries(env).map(([k, v]) => `${k}=${shq(v)}`);
  return `${[...vars, 'exec', ...argv.map(shq)].join(' ')} <<'END_OF_INPUT'\n${input}\nEND_OF_INPUT`;
}
