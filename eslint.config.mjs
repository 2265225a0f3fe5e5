// npm run lint: typescript-eslint with type information (ESLint's recommended rules for the JavaScript of
// scripts/), the layer order of src/ (docs/design.md), no import circles, and the hit memo's rule that nothing on
// the decision path reads a file except through the journal.
// The layout is prettier's (.prettierrc.json), checked by the same npm run lint; no rule here is about layout.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

/**
 * src/'s layers, lowest first: a file may import from its own layer and the ones below, never above (type-only
 * imports included). Top-level files (main.ts, cli.ts) are the highest layer.
 */
export const LAYERS = [
  ['platform'],
  ['identity'],
  ['registry'],
  ['cache'],
  ['memo'],
  ['aws'],
  ['tokens'],
  ['docker', 'kubelet'],
  ['commands'],
];

const above = (index) => LAYERS.slice(index + 1).flat();
const layerZones = LAYERS.flatMap((folders, index) =>
  folders.map((folder) => ({
    target: `./src/${folder}/**`,
    from: [...above(index).map((f) => `./src/${f}/**`), './src/*.ts'],
    message: `${folder}/ is below ${above(index).join(', ')} and the entry points in the layer order (docs/design.md)`,
  })),
);
// Within one layer, folders do not import each other either (docker and kubelet are peers).
const peerZones = LAYERS.filter((folders) => folders.length > 1).flatMap((folders) =>
  folders.map((folder) => ({
    target: `./src/${folder}/**`,
    from: folders.filter((f) => f !== folder).map((f) => `./src/${f}/**`),
    message: `${folder}/ and its peers in one layer do not import each other`,
  })),
);

/**
 * Every way of reading a file that the hit memo's read journal would not see (src/platform/read-file.ts records
 * every read it makes, and the memo is only as good as that record). Anywhere in src/ but the files below, these
 * fail the lint: so a new read on the decision path cannot silently serve stale answers.
 */
const FS_READS = [
  'readFileSync',
  'readFile',
  'readSync',
  'readvSync',
  'openSync',
  'open',
  'createReadStream',
  'opendirSync',
  'opendir',
  'readdirSync',
  'readdir',
  'readlinkSync',
  'readlink',
  'existsSync',
  'exists',
  'statSync',
  'stat',
  'lstatSync',
  'lstat',
  'accessSync',
  'access',
  'realpathSync',
  'realpath',
  'watch',
  'watchFile',
  'cpSync',
  'copyFileSync',
];
const FS_MODULES = ['fs', 'node:fs'];
const fileReadRules = {
  'no-restricted-imports': [
    'error',
    {
      paths: [
        ...FS_MODULES.map((name) => ({
          name,
          importNames: FS_READS,
          message:
            "read files through src/platform/read-file.ts (the hit memo's journal), or add this file to READERS in eslint.config.mjs with the reason",
        })),
        ...['fs/promises', 'node:fs/promises'].map((name) => ({
          name,
          message: "read files through src/platform/read-file.ts (the hit memo's journal)",
        })),
      ],
    },
  ],
  'no-restricted-syntax': [
    'error',
    {
      selector: "CallExpression[callee.name='require'][arguments.0.value=/^(node:)?fs(\\/promises)?$/]",
      message: 'require() of node:fs escapes the import rule: read files through src/platform/read-file.ts',
    },
    {
      selector: 'ImportExpression[source.value=/^(node:)?fs(\\/promises)?$/]',
      message: 'import() of node:fs escapes the import rule: read files through src/platform/read-file.ts',
    },
  ],
  // The runtime's own file calls (Bun.file, Bun.mmap, Bun.stdin), however the global is reached.
  'no-restricted-globals': [
    'error',
    {
      name: 'Bun',
      message: "the runtime's file calls bypass the journal: read files through src/platform/read-file.ts",
    },
  ],
};
fileReadRules['no-restricted-syntax'].push({
  selector: "MemberExpression[property.name='Bun']",
  message: "the runtime's file calls bypass the journal: read files through src/platform/read-file.ts",
});

/** The files that may use node:fs's reading calls, each with why it is not a decision the memo must journal. */
export const READERS = {
  'src/platform/read-file.ts': 'the journal itself',
  'src/fast-hit.ts': "the memo's read side: reads stdin with the runtime's call; files through memo/runtime-files.ts",
  'src/memo/runtime-files.ts': "the memo's read side: it checks the journal's fingerprints, it does not add to them",
  'src/memo/input-digest.ts': "the memo's name: the runtime's one-shot digest (Bun.sha), no file read",
  'src/platform/runtime.ts': "the runtime's own API: the executable's path, the answer written with Bun.write",
  'src/platform/atomic-write.ts': 'opens only to write (O_CREAT|O_EXCL) and checks writability',
  'src/platform/log.ts': 'opens the log file to append',
  'src/platform/stdio.ts': 'the standard streams',
  'src/platform/settings.ts':
    "the owner of the cache path (sudo -E): its uid, which the memo's check that the cache directory is the caller's own also covers",
  'src/platform/executable-path.ts': 'PATH lookups for printed fixes (configure, doctor), not on the get path',
  'src/platform/windows.ts': 'the junction check of the cache directory on Windows, where no memo is kept',
  'src/cache/store.ts':
    'listing and sweeping the cache directory (list, erase, old memos); entries themselves are read through read-file.ts',
  'src/cache/lock.ts': "the lock file's age, not an input of any answer",
  'src/aws/mfa-prompt.ts': 'the terminal (/dev/tty), on purpose',
  'src/docker/hand-over-chain.ts': "/proc, to bound the hand-over's recursion; other stores' hosts are never memoised",
  'src/docker/config-file.ts':
    "Docker's config.json links, for configure and doctor; the file itself through read-file.ts",
  'src/docker/other-store.ts': 'fstat of the standard streams',
  'src/commands/token-file.ts': 'fstat of standard output, to make a token file private',
  'src/commands/token-output.ts': 'fstat of standard error (a terminal, a file or the runner)',
  'src/commands/doctor/kubelet-files.ts':
    "a node's kubelet config directory, for doctor --kubelet (the files themselves through read-file.ts)",
  'src/commands/doctor/kubelet-provider.ts': "a node's kubelet bin dir, for doctor --kubelet",
  'src/commands/doctor/registry-client.ts':
    "Docker's per-registry CA directory (/etc/docker/certs.d), for doctor IMAGE",
  'src/commands/doctor/creds-store.ts': "whether pass has a store, for doctor's verdict",
  'src/commands/ecr-helpers.ts': 'which executable another credHelpers entry is, for configure and doctor',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench-results/**', 'npm/**', '**/*.cjs', '.doc-run-*/**'] },
  // The TypeScript rules, with type information, for the TypeScript; scripts/ is plain JavaScript (below).
  ...tseslint.configs.recommendedTypeChecked.map((config) => ({ ...config, files: ['**/*.ts'] })),
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.js', '.json'] })] },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Methods async to fit an interface (CredentialBackend's store, erase, list) need no await of their own.
      '@typescript-eslint/require-await': 'off',
      // require() inside a function loads a module only when that path runs: how the cache hit stays off node:fs
      // and the SDK (docs/performance.md). Top-level imports stay ES imports.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: [...layerZones, ...peerZones] }],
      ...fileReadRules,
    },
  },
  {
    // Tests: node:test's test() returns a promise the runner awaits; parsed JSON and assert's methods are untyped by
    // nature there.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
              package: 'node:test',
            },
          ],
        },
      ],
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
    },
  },
  {
    // scripts/ (build, release, test runner): plain JavaScript modules run by Node, so ESLint's own recommended rules
    // (an undefined name or an unused import is caught before a release run trips on it) with Node's globals.
    files: ['scripts/**/*.mjs', '*.mjs'],
    ...js.configs.recommended,
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module', globals: globals.node },
  },
  {
    files: Object.keys(READERS),
    rules: { 'no-restricted-imports': 'off', 'no-restricted-syntax': 'off', 'no-restricted-globals': 'off' },
  },
);
