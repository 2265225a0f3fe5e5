// `node --import tsx test/docs/doc-coverage-check.ts LOG_DIR [ROOT]`: exit 0 when every command that README.md and
// docs/ under ROOT (default: this checkout) show was run by a test that logged to LOG_DIR, or is a listed
// exception; else exit 1, naming the file and line of each command no test ran. scripts/test.mjs runs it after
// a run that included every test file that runs doc commands.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { docFiles, shownCommands } from '../support/doc-commands';
import { checkCoverage, readLog } from '../support/doc-coverage';
import { NOT_COMMANDS, NOT_YET_RUN, STAND_INS } from './doc-exemptions';

const [log, rootArg] = process.argv.slice(2);
if (!log || !existsSync(log)) {
  console.error(
    'usage: doc-coverage-check.ts LOG_DIR [ROOT] (LOG_DIR: what DOC_COMMANDS_LOG named during the test run)',
  );
  process.exit(2);
}
const root = resolve(rootArg ?? join(__dirname, '../..'));
const shown = shownCommands(root, new Set(Object.keys(NOT_COMMANDS)));
const coverage = checkCoverage(shown, readLog(log), NOT_YET_RUN, STAND_INS, new Set(docFiles(root)), (path) =>
  existsSync(join(root, path)),
);
for (const line of coverage.report) (coverage.ok ? console.log : console.error)(line);
process.exit(coverage.ok ? 0 : 1);
