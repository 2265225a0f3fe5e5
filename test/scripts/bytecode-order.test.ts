// The build lays the executable's bytecode out in the order a profiling build of the same sources ran it
// (scripts/lib/bytecode-order.mjs): this records that order as the build does and checks each run wrote its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tempDir } from '../support/temp';

const SCRIPTS = resolve(__dirname, '../../scripts');
const url = (path: string): string => JSON.stringify(pathToFileURL(join(SCRIPTS, path)).href);

/** The build's own call (scripts are ES modules without types: run in a child, as the build runs them). */
function recordOrder(workDir: string): string[] {
  const program = `
    const { bunExecutable } = await import(${url('compile.mjs')});
    const { recordBytecodeOrder } = await import(${url('lib/bytecode-order.mjs')});
    const target = \`bun-\${process.platform}-\${process.arch}\`;
    console.log(JSON.stringify(await recordBytecodeOrder({ bun: bunExecutable(), target, workDir: process.argv[1] })));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', program, workDir], {
    encoding: 'utf8',
    timeout: 240_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as string[];
}

test('the build records the order of a hit, version and a miss, each from its own run', () => {
  const files = recordOrder(join(tempDir('dce-order-'), 'order'));
  assert.deepEqual(
    files.map((f) => basename(f)),
    ['hit.order', 'version.order', 'miss.order'],
  );
  // "F <hash>": a function the run called, in the order it first did (the runtime's order file, version 2).
  const functions = (f: string) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter((line) => /^F [0-9a-f]{16}$/.test(line)).length;
  const [hit, version, miss] = files.map(functions);
  for (const [name, n] of Object.entries({ hit, version, miss })) assert.ok(n > 0, `${name}.order lists no function`);
  // A miss runs the CLI and the AWS SDK, a hit neither, `version` less than a hit: each order is its own run's.
  assert.ok(miss > 10 * hit && hit > version, `miss ${miss} functions, hit ${hit}, version ${version}`);
});
