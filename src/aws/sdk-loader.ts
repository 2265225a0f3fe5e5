// Loads the AWS SDK half of the token service (src/aws/sdk.ts: the token sources) on first use. The
// dynamic import is the split point: the build puts sdk.ts and everything only it needs into a chunk of its own,
// which a cache hit never loads or evaluates (test/e2e/executable.test.ts checks that on the built executable).
import type * as SdkModule from './sdk';

export type Sdk = typeof SdkModule;

let loading: Promise<Sdk> | undefined;
let loadedInMs: number | undefined;

export function loadSdk(): Promise<Sdk> {
  if (!loading) {
    const started = performance.now();
    loading = import('./sdk').then((sdk) => {
      loadedInMs = performance.now() - started;
      return sdk;
    });
  }
  return loading;
}

/** How long loading the SDK half took, for debug logs; undefined until loadSdk() finished. */
export function sdkLoadMs(): number | undefined {
  return loadedInMs;
}
