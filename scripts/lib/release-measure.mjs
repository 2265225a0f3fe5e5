// What scripts/release.mjs reports of each file it writes: size, gzip -9 size and SHA-256 (the checksums.txt
// line) from one streamed read, and the table of them printed at the end.
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, constants as zlib } from 'node:zlib';

/** Size, gzip -9 size (zlib, in this process, streamed) and SHA-256 of a file, in one read. */
export async function measure(path) {
  const hash = createHash('sha256');
  let gzipped = 0;
  await pipeline(
    createReadStream(path, { highWaterMark: 1 << 20 }),
    new Transform({
      transform(chunk, _encoding, next) {
        hash.update(chunk);
        next(null, chunk);
      },
    }),
    createGzip({ level: zlib.Z_BEST_COMPRESSION }),
    new Writable({
      write(chunk, _encoding, next) {
        gzipped += chunk.length;
        next();
      },
    }),
  );
  return { size: statSync(path).size, gzipped, sha256: hash.digest('hex') };
}

/** Prints each release file's size and gzip -9 size, with the total. */
export function printTable(rows) {
  const mib = (n) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  const kib = (n) => (n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : mib(n));
  const lines = rows.map((r) => [r.name, kib(r.size), kib(r.gzipped), `${((100 * r.gzipped) / r.size).toFixed(0)}%`]);
  const total = rows.reduce((a, r) => ({ size: a.size + r.size, gzipped: a.gzipped + r.gzipped }), {
    size: 0,
    gzipped: 0,
  });
  lines.push(['total', kib(total.size), kib(total.gzipped), `${((100 * total.gzipped) / total.size).toFixed(0)}%`]);
  const head = ['file', 'size', 'gzip -9', ''];
  const width = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (l) =>
    l
      .map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i])))
      .join('  ')
      .trimEnd();
  console.log(`\n${fmt(head)}\n${fmt(width.map((w) => '-'.repeat(w)))}`);
  for (const [i, l] of lines.entries()) {
    if (i === lines.length - 1) console.log(fmt(width.map((w) => '-'.repeat(w))));
    console.log(fmt(l));
  }
}
