// The floors our executable is held to, made in the bench's directory: an empty script for the bare runtime, and
// two programs compiled as the build compiles ours.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile, neutraliseRuntime } from '../compile.mjs';

/** Writes empty.js and compiles empty-exe and minimal-hit-exe into `temp`. */
export function makeFloorPrograms(temp, bun) {
  writeFileSync(join(temp, 'empty.js'), '');
  // The least a compiled Bun executable costs: an empty program, compiled as the build compiles ours.
  writeFileSync(join(temp, 'empty.ts'), '');
  // The least a hit can be in this runtime: read stdin, read one small file, write the answer, with the calls
  // src/fast-hit.ts uses (Bun.stdin, Bun.file, Bun.write) and no check of any kind (no cache key, no directory's
  // owner, no freshness). Where our hit's memory or time cannot come closer to the empty program than this, the
  // runtime is the floor, not our code.
  writeFileSync(
    join(temp, 'minimal-hit.ts'),
    [
      'const bun = (globalThis as any).Bun;',
      'const stdin: Uint8Array = await bun.stdin.slice(0, 65537).bytes();',
      `const token = JSON.parse(new TextDecoder().decode(await bun.file(${JSON.stringify(join(temp, 'minimal-hit-token.json'))}).slice(0, 65537).bytes()));`,
      "await bun.write(bun.stdout, JSON.stringify({ ServerURL: new TextDecoder().decode(stdin).trim(), Username: token.username, Secret: token.password }) + '\\n');",
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(temp, 'minimal-hit-token.json'),
    JSON.stringify({ username: 'AWS', password: `fake-ecr-${'x'.repeat(1200)}` }),
  );
  neutraliseRuntime(bun.path, join(temp, 'runtime'));
  for (const name of ['empty', 'minimal-hit'])
    compile({
      bun,
      target: `bun-${process.platform}-${process.arch}`,
      runtime: join(temp, 'runtime'),
      outfile: join(temp, `${name}-exe`),
      entry: join(temp, `${name}.ts`),
    });
}
