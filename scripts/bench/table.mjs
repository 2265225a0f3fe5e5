// The table: every row's median and its ratio to the Go helper's matching row.
import { readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fmt, median } from './numbers.mjs';

/** The rows in print order: groups 1 and 2 (the first `timedCount` measured), the fake, the rest, memory, sizes. */
export function buildTable({ measured, timedCount, fakeTimes, memory, exe, goHelper }) {
  const row = (r) => ({
    name: r.name,
    median: median(r.times),
    runs: r.times.length,
    note: r.note ?? '',
    go: r.go,
    unit: r.unit ?? 'ms',
  });
  const table = [
    ...measured.slice(0, timedCount).map(row),
    row({
      name: 'fake ECR: one GetAuthorizationToken (client in process, new connection)',
      times: fakeTimes,
      note: 'server + loopback only; no process start',
    }),
    ...measured.slice(timedCount).map(row),
    ...memory.map(row),
  ];
  const gzipped = (p) => gzipSync(readFileSync(p), { level: 9 }).length;
  const sizeRow = (name, p, go) => ({
    name,
    median: statSync(p).size / 1024 / 1024,
    runs: 1,
    note: `gzip -9: ${(gzipped(p) / 1024 / 1024).toFixed(1)} MiB`,
    go,
    unit: 'MiB',
  });
  table.push(sizeRow('executable size', exe, 'Go helper executable size'));
  if (goHelper) table.push(sizeRow('Go helper executable size', goHelper));
  return table;
}

/** A row's median by name, undefined when the row was not measured. */
export const medianOf = (table, name) => table.find((r) => r.name === name)?.median;

/** The table as Markdown lines. */
export function tableLines(table) {
  const byName = (name) => medianOf(table, name);
  const ratio = (r) => {
    const go = r.go ? byName(r.go) : undefined;
    return go
      ? `${(r.median / go).toFixed(2)}`
      : r.name.startsWith('Go ') || r.name.includes('Go helper')
        ? '1.00'
        : '-';
  };
  const lines = [
    '| Row | Median | x Go helper | Runs | Note |',
    '|---|---:|---:|---:|---|',
    ...table.map((r) => `| ${r.name} | ${fmt(r.median)} ${r.unit} | ${ratio(r)} | ${r.runs} | ${r.note} |`),
  ];
  return lines;
}
