// Compiles a CommonJS bundle with vm.Script, wrapped as Node's loader would wrap it, so that a V8 code cache made
// for it (script.createCachedData(), after a training run at build time) can be handed back at each start. Used
// for the SEA's main bundle (src/sea-entry.ts) and the heavy bundle (src/heavy-loader.ts).
import type { Script } from 'node:vm';

export interface CommonJsScript {
  script: Script;
  /** 'none' when no cache was offered; 'rejected' when V8 refused it (another Node build) and compiled anew. */
  codeCache: 'accepted' | 'rejected' | 'none';
  /** Runs the bundle; returns its module.exports. */
  run(require: (id: string) => unknown, filename: string, dirname: string): unknown;
}

export function compileCommonJs(source: string, filename: string, cachedData: Buffer | undefined): CommonJsScript {
  // A builtin (an SEA's require serves nothing else); not loaded at start-up, but it costs nothing measurable.
  const { Script } = require('node:vm') as typeof import('node:vm');
  // A code cache is only valid for this exact text.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename, ...(cachedData ? { cachedData } : {}) });
  return {
    script,
    codeCache: cachedData ? (script.cachedDataRejected ? 'rejected' : 'accepted') : 'none',
    run(require, file, dir) {
      const module = { exports: {} as unknown };
      const wrapper = script.runInThisContext() as (exports: unknown, require: (id: string) => unknown, module: { exports: unknown }, filename: string, dirname: string) => void;
      wrapper(module.exports, require, module, file, dir);
      return module.exports;
    },
  };
}
