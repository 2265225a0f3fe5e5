// npm run lint: typescript-eslint with type information, the layer order of src/ (docs/design.md), no import
// circles, and the hit memo's rule that nothing on the decision path reads a file except through the journal.
// Formatting is prettier's (npm run format); eslint-config-prettier turns off the rules that would fight it.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import prettier from 'eslint-config-prettier';

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
  folders.map((folder) => ({ target: `./src/${folder}/**`, from: folders.filter((f) => f !== folder).map((f) => `./src/${f}/**`), message: `${folder}/ and its peers in one layer do not import each other` })),
);

/**
 * Every way of reading a file that the hit memo's journal would not see. Only src/platform/read-file.ts reads
 * files for decisions; the files below write, lock, log or talk to a terminal, and are named with their reason.
 */
const FILE_READS = ['readFileSync', 'readFile', 'openSync', 'open', 'createReadStream', 'readSync', 'readvSync', 'opendirSync', 'readdirSync', 'readlinkSync', 'existsSync', 'statSync', 'lstatSync', 'accessSync', 'realpathSync'];
export const READERS_ALLOWED = [
  'src/platform/read-file.ts', // the journal itself
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench-results/**', 'npm/**', '**/*.mjs', '**/*.cjs', '.doc-run-*/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.js', '.json'] })] },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: [...layerZones, ...peerZones] }],
    },
  },
  prettier,
);
