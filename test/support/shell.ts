// Command lines that tests build for a shell, and command lines the helper prints for people to paste. Both must
// survive the paths a checkout can live under: spaces, quotes, non-ASCII letters. Tests quote every word
// themselves (independently of the product's own quoting) and judge printed commands by how a real shell splits them.
import { spawnSync } from 'node:child_process';

/** One word for /bin/sh, always single-quoted (a quote inside closes, escapes and reopens). */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** An argument vector as a /bin/sh command line. */
export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/**
 * The words /bin/sh makes of `text` (globbing off; `text` is the helper's own output, never a stranger's), so a test
 * can check that a printed fix names exactly the path it means, wherever the checkout is.
 */
export function shellWords(text: string): string[] {
  const r = spawnSync('/bin/sh', ['-c', `set -f; set -- ${text}; printf '%s\\0' "$@"`], { encoding: 'utf8', env: {} });
  if (r.status !== 0) throw new Error(`/bin/sh could not parse ${JSON.stringify(text)}: ${r.stderr}`);
  return r.stdout.split('\0').slice(0, -1);
}

/** `text` as a regular expression that matches it literally. */
export function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
