// Compares the commands the docs show with the ones tests ran (test/support/doc-run.ts's log), leaving out the
// visible exceptions of test/docs/doc-exemptions.ts. Pure, so that its own test can feed it a doc and a log.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandKey, type ShownCommand } from './doc-commands';
import type { DocRunRecord } from './doc-run';
import type { NotYetRun } from '../docs/doc-exemptions';

export interface Coverage {
  ok: boolean;
  /** Human-readable lines: the summary, the exceptions, and what fails. */
  report: string[];
}

export function readLog(dir: string): DocRunRecord[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) =>
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as DocRunRecord),
    );
}

const where = (c: ShownCommand): string => `${c.file}:${c.line}`;
const quoted = (text: string): string =>
  text.includes('\n') ? `\n      ${text.replace(/\n/g, '\n      ')}` : ` ${text}`;

export function checkCoverage(
  shown: readonly ShownCommand[],
  ran: readonly DocRunRecord[],
  notYetRun: readonly NotYetRun[],
  standIns: Readonly<Record<string, string>>,
  existingFiles: ReadonlySet<string>,
  /** Whether a path from the repository root exists (an exception with `until` ends when it does). */
  exists: (path: string) => boolean = () => false,
): Coverage {
  const active = notYetRun.filter((e) => !(e.until && exists(e.until)));
  const ranKeys = new Map<string, DocRunRecord[]>();
  for (const r of ran) ranKeys.set(commandKey(r), [...(ranKeys.get(commandKey(r)) ?? []), r]);
  const exemptionOf = (c: ShownCommand): NotYetRun | undefined =>
    active.find((e) => e.file === c.file && (e.text === undefined || e.text === c.text));
  const used = new Set<NotYetRun>();
  const missing: ShownCommand[] = [];
  const exempt: [ShownCommand, NotYetRun][] = [];
  let covered = 0;
  const withStandIns = new Map<string, { command: ShownCommand; programs: string[] }>();
  for (const c of shown) {
    const runs = ranKeys.get(commandKey(c));
    const exemption = exemptionOf(c);
    if (exemption) used.add(exemption);
    if (runs) {
      covered++;
      const programs = [...new Set(runs.flatMap((r) => r.standIns))];
      if (programs.length > 0) withStandIns.set(commandKey(c), { command: c, programs });
    } else if (exemption) exempt.push([c, exemption]);
    else missing.push(c);
  }
  const problems: string[] = [];
  for (const c of missing) problems.push(`  ${where(c)}: shown (${c.kind}) and run by no test:${quoted(c.text)}`);
  for (const e of active) {
    if (used.has(e)) continue;
    if (e.text === undefined && !existingFiles.has(e.file)) continue; // a page still to come: listed below
    problems.push(
      `  test/docs/doc-exemptions.ts: the exception for ${e.file}${e.text === undefined ? '' : `: ${e.text}`} matches no command shown; remove it`,
    );
  }
  for (const [, { command, programs }] of withStandIns) {
    for (const p of programs)
      if (!standIns[p])
        problems.push(`  ${where(command)}: run with a stand-in for ${p}, which STAND_INS does not list`);
  }
  const report = [
    `doc commands: ${shown.length} shown in README.md and docs/, ${covered} run by tests (${withStandIns.size} with a stand-in), ${exempt.length} not yet run, ${missing.length} run by no test`,
  ];
  for (const [, { command, programs }] of withStandIns)
    report.push(
      `  stand-in for ${programs.join(', ')} (${programs.map((p) => standIns[p]).join('; ')}): ${where(command)}`,
    );
  for (const [c, e] of exempt) report.push(`  not yet run: ${where(c)}:${quoted(c.text)}\n      why: ${e.why}`);
  for (const e of active)
    if (e.text === undefined && !existingFiles.has(e.file))
      report.push(`  not yet run: ${e.file} (no such page yet): ${e.why}`);
  if (problems.length > 0) {
    report.push(
      'FAIL: every command the README and docs show must be run by a test (test/support/doc-run.ts runDocCommand),',
    );
    report.push(
      'or be listed with a reason in test/docs/doc-exemptions.ts (CONTRIBUTING.md, "Commands in the docs"):',
      ...problems,
    );
  }
  return { ok: problems.length === 0, report };
}
