// A unified-style diff of two versions of a config file, for people to read before (or after) a change. The
// file may hold stored registry logins, so every line shown passes through a filter that masks their values.

const SECRET_FIELD =
  /("(?:auth|password|identitytoken|registrytoken|secret|token|accesstoken|refreshtoken)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;

/**
 * Masks the values of credential fields anywhere in a line (a compact file may hold all of them on one), and
 * control characters other than tab, so a hostile file cannot drive the terminal.
 */
export function safeLine(line: string): string {
  return line.replace(SECRET_FIELD, '$1"***"').replace(/[\x00-\x08\x0a-\x1f\x7f]/g, '?');
}

/** Longest common subsequence of two short line lists, as a list of operations. */
function lineOperations(a: string[], b: string[]): Array<[' ' | '-' | '+', string]> {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const lengths = new Uint32Array(rows * cols);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i * cols + j] =
        a[i] === b[j]
          ? lengths[(i + 1) * cols + j + 1] + 1
          : Math.max(lengths[(i + 1) * cols + j], lengths[i * cols + j + 1]);
    }
  }
  const ops: Array<[' ' | '-' | '+', string]> = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push([' ', a[i++]]);
      j++;
    } else if (i < a.length && (j === b.length || lengths[(i + 1) * cols + j] >= lengths[i * cols + j + 1])) {
      ops.push(['-', a[i++]]); // removals first, as diff(1) shows them
    } else {
      ops.push(['+', b[j++]]);
    }
  }
  return ops;
}

/**
 * One hunk around the changed lines, with `context` unchanged lines either side. The common head and tail are
 * trimmed first, so the line comparison only ever sees the few lines an edit touched.
 */
export function unifiedDiff(path: string, before: string | undefined, after: string, context = 2): string {
  const a = before === undefined || before === '' ? [] : before.replace(/\r?\n$/, '').split(/\r?\n/);
  const b = after.replace(/\r?\n$/, '').split(/\r?\n/);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  if (head === a.length && head === b.length) return '';
  const start = Math.max(0, head - context);
  const endA = Math.min(a.length, a.length - tail + context);
  const endB = Math.min(b.length, b.length - tail + context);
  const ops = [
    ...a.slice(start, head).map((line): [' ', string] => [' ', line]),
    ...lineOperations(a.slice(head, a.length - tail), b.slice(head, b.length - tail)),
    ...a.slice(a.length - tail, endA).map((line): [' ', string] => [' ', line]),
  ];
  const countA = endA - start;
  const countB = endB - start;
  const lines = [
    `--- ${before === undefined ? '/dev/null' : path}`,
    `+++ ${path}`,
    `@@ -${countA === 0 ? 0 : start + 1},${countA} +${start + 1},${countB} @@`,
    ...ops.map(([op, line]) => `${op}${safeLine(line)}`),
  ];
  return `${lines.join('\n')}\n`;
}
