// Build-time only. scripts/build.mjs bundles this and runs it, with the Node binary the executable is made of,
// as `main-training <main bundle> <code cache out> get` with a server URL on stdin and a token in the cache: it
// runs the main bundle exactly as src/sea-entry.ts does in the executable, then writes V8's code cache for it,
// which then holds every function a cache hit calls (compiled, not just the top level).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { compileCommonJs } from '../src/commonjs-script';

const [bundle, out, ...argv] = process.argv.slice(2);
if (!bundle || !out) throw new Error('usage: main-training <main bundle> <code cache out> <helper arguments...>');
const compiled = compileCommonJs(readFileSync(bundle, 'latin1'), bundle, undefined);
process.argv = [process.argv[0]!, bundle, ...argv];
process.once('exit', () => writeFileSync(out, compiled.script.createCachedData()));
compiled.run(require, bundle, dirname(bundle));
