// The rules npm run lint keeps that a reviewer cannot: the layer order of src/ and the hit memo's journal. Each is
// shown failing on code that breaks it, linted as if it stood at the path given (nothing is written into src/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

const ROOT = resolve(__dirname, '../..');
// Type information needs the file on disk; these rules need none.
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: [{ files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }],
});

async function problems(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(ROOT, path) });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

test('an upward import fails the lint, a type-only one too; a downward one passes', async () => {
  const up = await problems(
    'src/identity/new-thing.ts',
    "import { getToken } from '../tokens/service';\nexport const f = getToken;\n",
  );
  assert.ok(
    up.some((p) => p.startsWith('import-x/no-restricted-paths: ') && p.includes('identity/ is below')),
    up.join('\n'),
  );
  const typeOnly = await problems(
    'src/registry/new-thing.ts',
    "import type { RequestContext } from '../tokens/context';\nexport type T = RequestContext;\n",
  );
  assert.ok(
    typeOnly.some((p) => p.startsWith('import-x/no-restricted-paths: ')),
    typeOnly.join('\n'),
  );
  const peer = await problems(
    'src/kubelet/new-thing.ts',
    "import { ecrBackend } from '../docker/backend';\nexport const b = ecrBackend;\n",
  );
  assert.ok(
    peer.some((p) => p.includes('peers in one layer')),
    peer.join('\n'),
  );
  const down = await problems(
    'src/tokens/new-thing.ts',
    "import { registryForHost } from '../registry/host';\nexport const r = registryForHost;\n",
  );
  assert.deepEqual(
    down.filter((p) => p.startsWith('import-x/no-restricted-paths')),
    [],
  );
});

test('a read that bypasses the memo journal fails the lint, however it is written; read-file.ts passes', async () => {
  const ways = [
    "import { readFileSync } from 'node:fs';\nexport const r = readFileSync('/etc/hostname', 'utf8');\n",
    "import { statSync as s } from 'fs';\nexport const r = s('/');\n",
    "import { readFile } from 'node:fs/promises';\nexport const r = readFile('/');\n",
    "// eslint-disable-next-line @typescript-eslint/no-require-imports\nexport const r = (require('node:fs') as typeof import('node:fs')).readFileSync('/');\n",
    "export const r = import('node:fs');\n",
    "export const r = (globalThis as { Bun?: { file(p: string): unknown } }).Bun?.file('/');\n",
  ];
  for (const code of ways) {
    const found = await problems('src/identity/new-thing.ts', code);
    assert.ok(
      found.some((p) => /^no-restricted-(imports|syntax|globals): .*read-file\.ts/.test(p)),
      `not caught:\n${code}\n${found.join('\n')}`,
    );
  }
  const journal = await problems('src/platform/read-file.ts', ways[0]);
  assert.deepEqual(
    journal.filter((p) => p.startsWith('no-restricted')),
    [],
    'the journal itself may read',
  );
});
