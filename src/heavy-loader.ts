// Loads the heavy half of the helper (src/heavy.ts: AWS SDK token sources, configure, doctor) on first use, so
// a cache hit never reads, parses or compiles it.
//
// In the executable it is an SEA asset, compiled with a V8 code cache that the build made by running a few
// representative token fetches with the same Node binary. When only the bundle runs (`node
// dist/docker-credential-ecr.cjs`, e.g. for profiling) it is the file beside it, with its code cache if there.
// Under tsx (tests) it is a plain require. The build defines DCE_HEAVY_* (see scripts/build.mjs); under tsx
// they do not exist.
import type * as HeavyModule from './heavy';
import { compileCommonJs } from './commonjs-script';
import { sharedModules } from './heavy-shared';

export type Heavy = typeof HeavyModule;

export interface HeavyLoadInfo {
  from: 'sea-asset' | 'file' | 'require';
  ms: number;
  /** 'none': no cache to offer (file, require); 'rejected': V8 refused it (another Node build?) and compiled anew. */
  codeCache: 'accepted' | 'rejected' | 'none';
}

declare const DCE_HEAVY_FILE: string;
declare const DCE_HEAVY_ASSET: string;
declare const DCE_HEAVY_CACHE_ASSET: string;
declare const DCE_SHARED_PREFIX: string;

// Not performance.now(): the `performance` global loads perf_hooks (about 1 ms).
const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

let loaded: { heavy: Heavy; info: HeavyLoadInfo; script?: import('node:vm').Script } | undefined;

export function loadHeavy(): Heavy {
  loaded ??= typeof DCE_HEAVY_FILE === 'string' ? loadBundled() : loadSource();
  return loaded.heavy;
}

/** How the heavy half was loaded, for debug logs; undefined until loadHeavy() ran. */
export function heavyLoadInfo(): HeavyLoadInfo | undefined {
  return loaded?.info;
}

/** V8's code cache for the heavy bundle as compiled so far; used by the build's training run only. */
export function createHeavyCodeCache(): Buffer | undefined {
  return loaded?.script?.createCachedData();
}

function loadSource(): NonNullable<typeof loaded> {
  const started = nowMs();
  const heavy = require('./heavy') as Heavy;
  return { heavy, info: { from: 'require', ms: nowMs() - started, codeCache: 'none' } };
}

function loadBundled(): NonNullable<typeof loaded> {
  const started = nowMs();
  // Builtins only: an SEA's require serves nothing else.
  const sea = require('node:sea') as typeof import('node:sea');
  let source: string;
  let cachedData: Buffer | undefined;
  const inSea = sea.isSea();
  if (inSea) {
    // The bundle is ASCII (esbuild escapes the rest), so latin1 decodes it exactly and fastest.
    // getRawAsset: a view of the executable's own bytes, no copy (typed string | ArrayBuffer; it is the latter).
    source = Buffer.from(sea.getRawAsset(DCE_HEAVY_ASSET) as ArrayBuffer).toString('latin1');
    cachedData = Buffer.from(sea.getRawAsset(DCE_HEAVY_CACHE_ASSET) as ArrayBuffer);
  } else {
    const { readFileSync } = require('node:fs') as typeof import('node:fs');
    const { join } = require('node:path') as typeof import('node:path');
    source = readFileSync(join(__dirname, DCE_HEAVY_FILE), 'latin1');
    try {
      cachedData = readFileSync(join(__dirname, `${DCE_HEAVY_FILE}c`));
    } catch {
      // No code cache beside it (the build's training run makes it): V8 compiles as usual.
    }
  }
  const compiled = compileCommonJs(source, DCE_HEAVY_FILE, cachedData);
  const heavyRequire = (id: string): unknown => {
    if (!id.startsWith(DCE_SHARED_PREFIX)) return require(id);
    const shared = sharedModules[id.slice(DCE_SHARED_PREFIX.length)];
    if (!shared) throw new Error(`docker-credential-ecr: the heavy bundle wants ${id}, which the main bundle does not provide`);
    return shared;
  };
  const heavy = compiled.run(heavyRequire, DCE_HEAVY_FILE, __dirname) as Heavy;
  return { heavy, script: compiled.script, info: { from: inSea ? 'sea-asset' : 'file', ms: nowMs() - started, codeCache: compiled.codeCache } };
}
