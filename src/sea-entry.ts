// The SEA's main script. It only runs the main bundle (src/main.ts, stored as an SEA asset) with the V8 code
// cache that the build made after a training run of a cache hit, so that the functions a hit calls are not
// compiled at each start (the code cache Node makes for an SEA's main script holds the top level only).
import { getRawAsset } from 'node:sea';
import { compileCommonJs } from './commonjs-script';

declare const DCE_MAIN_ASSET: string;
declare const DCE_MAIN_CACHE_ASSET: string;

// getRawAsset: the executable's own bytes, no copy. The bundle is ASCII, so latin1 decodes it exactly and fastest.
const source = Buffer.from(getRawAsset(DCE_MAIN_ASSET) as ArrayBuffer).toString('latin1');
compileCommonJs(source, DCE_MAIN_ASSET, Buffer.from(getRawAsset(DCE_MAIN_CACHE_ASSET) as ArrayBuffer)).run(require, __filename, __dirname);
