// The npm package: src/main.ts bundled for Node by the pinned Bun (`bun build --target=node`, ESM, split so that
// the AWS SDK half, reached by the dynamic import in src/aws/sdk-loader.ts, stays a chunk that a cache hit
// never loads), the launcher npm/launcher.js as the `docker-credential-ecr` bin, and a package.json made from
// npm/package.template.json (its engines: where the published package runs) with the root package.json's version,
// description and license (the root's engines are the development machine's). No
// dependencies: everything the helper needs is in the bundle. Packed with `npm pack` from a staging directory.
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BuildError, fail, root } from '../compile.mjs';
import { npm } from './npm-registry.mjs';
import { npmTarballName } from './targets.mjs';

export const LAUNCHER = 'bin/docker-credential-ecr.js';
export const ENTRY = 'lib/main.mjs';

function runBun(bun, args) {
  return new Promise((done, reject) => {
    const child = spawn(bun.path, args, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 300_000,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? root },
    });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('error', (e) => reject(new BuildError(`cannot run ${bun.path}: ${e.message}`)));
    child.on('close', (status, signal) =>
      status === 0
        ? done(output)
        : reject(
            new BuildError(
              `bun ${args.slice(0, 2).join(' ')} failed (${signal ?? `exit ${status}`}):\n${output.trim()}`,
            ),
          ),
    );
  });
}

/**
 * The relative imports of each .mjs file in `dir`: { file: { static: [...], dynamic: [...] } }. Minified Bun
 * output writes them as `from"./x.mjs"`, `import"./x.mjs"` and `import("./x.mjs")`.
 */
export function chunkGraph(dir) {
  const graph = {};
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.mjs'))) {
    const code = readFileSync(join(dir, name), 'utf8');
    const found = (re) => [...new Set([...code.matchAll(re)].map((m) => m[1]))];
    graph[name] = {
      static: found(/(?:\bfrom|\bimport)\s*["']\.\/([^"']+\.mjs)["']/g),
      dynamic: found(/\bimport\(\s*["']\.\/([^"']+\.mjs)["']\s*\)/g),
    };
  }
  return graph;
}

/** The files loaded before any code runs when `entry` is imported (its static-import closure). */
export function staticClosure(graph, entry) {
  const seen = new Set();
  const visit = (name) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const next of graph[name]?.static ?? []) visit(next);
  };
  visit(entry);
  return [...seen];
}

/** Checks the bundle's layout: the entry's static closure must not reach the SDK chunk (sdk-*.mjs). */
export function checkLazySdk(libDir) {
  const graph = chunkGraph(libDir);
  const sdk = Object.keys(graph).filter((n) => n.startsWith('sdk-'));
  if (sdk.length !== 1)
    fail(
      `the Node bundle in ${libDir} should have one sdk-*.mjs chunk, has ${sdk.length}: ${Object.keys(graph).join(', ')}`,
    );
  const eager = staticClosure(graph, 'main.mjs');
  if (eager.includes(sdk[0]))
    fail(`the Node bundle loads ${sdk[0]} eagerly (static closure of main.mjs: ${eager.join(', ')})`);
  return { sdkChunk: sdk[0], eager, chunks: Object.keys(graph) };
}

/**
 * Bundles, stages and packs the npm package into `outDir`; returns { path, files, eager, sdkChunk }.
 * `stageDir` must not exist yet.
 */
export async function buildNpmPackage({ bun, pkg, stageDir, outDir, legalDir = root, legalFiles = [] }) {
  const lib = join(stageDir, 'lib');
  mkdirSync(join(stageDir, 'bin'), { recursive: true });
  await runBun(bun, [
    'build',
    join(root, 'src', 'main.ts'),
    '--target=node',
    '--format=esm',
    '--splitting',
    '--minify',
    '--reject-unresolved',
    `--outdir=${lib}`,
    '--entry-naming=[name].mjs',
    '--chunk-naming=[name]-[hash].mjs',
  ]);
  if (!existsSync(join(stageDir, ENTRY))) fail(`bun build --target=node wrote no ${ENTRY}`);
  const layout = checkLazySdk(lib);

  copyFileSync(join(root, 'npm', 'launcher.js'), join(stageDir, LAUNCHER));
  chmodSync(join(stageDir, LAUNCHER), 0o755);
  const template = JSON.parse(readFileSync(join(root, 'npm', 'package.template.json'), 'utf8'));
  const manifest = {
    ...template,
    name: pkg.name,
    version: pkg.version,
    description: pkg.description,
    license: pkg.license,
    engines: template.engines,
  };
  for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies', 'scripts'])
    delete manifest[field];
  writeFileSync(join(stageDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  if (existsSync(join(root, 'README.md'))) copyFileSync(join(root, 'README.md'), join(stageDir, 'README.md'));
  // The template's "man" field makes `npm install -g` link it into <prefix>/share/man/man1.
  mkdirSync(join(stageDir, 'man'));
  copyFileSync(join(root, 'docs', 'docker-credential-ecr.1'), join(stageDir, 'man', 'docker-credential-ecr.1'));
  for (const name of legalFiles) copyFileSync(join(legalDir, name), join(stageDir, name));

  const packed = JSON.parse(
    await npm(['pack', stageDir, '--pack-destination', outDir, '--ignore-scripts', '--json', '--loglevel=error']),
  )[0];
  if (packed.filename !== npmTarballName(pkg.version))
    fail(`npm pack wrote ${packed.filename}, expected ${npmTarballName(pkg.version)}`);
  const files = packed.files.map((f) => f.path).sort();
  for (const want of [
    'package.json',
    LAUNCHER,
    ENTRY,
    `lib/${layout.sdkChunk}`,
    'man/docker-credential-ecr.1',
    ...legalFiles,
  ])
    if (!files.includes(want)) fail(`the npm package lacks ${want} (has ${files.join(', ')})`);
  return { path: join(outDir, packed.filename), files, eager: layout.eager, sdkChunk: layout.sdkChunk };
}
