// The memo's name: a digest of every input of the decision that is not a file (hit-memo.ts says what a memo is).
import { NOT_INPUTS } from './hit-memo';
import type { BunApi } from './runtime-files';
import { invokedName } from '../platform/runtime';
import { VERSION } from '../platform/version';

/** The build, set by scripts/compile.mjs (a digest of the sources and the runtime); absent under Node. */
declare const DCE_BUILD_ID: string | undefined;
const BUILD = typeof DCE_BUILD_ID === 'string' ? DCE_BUILD_ID : 'unbuilt';

/**
 * Who runs: the ids and groups decide what the full path may read. The groups as the runtime gives them, unsorted
 * (the same groups in another order name another memo, never the same memo for other groups).
 */
export function identityText(): string {
  return JSON.stringify([
    process.getuid?.(),
    process.geteuid?.(),
    process.getgid?.(),
    process.getegid?.(),
    process.getgroups?.(),
  ]);
}

/**
 * The environment but NOT_INPUTS, every entry after a NUL (which neither names nor values contain), in the order
 * the process got it: the same environment in another order names another memo (one full-path run), never the
 * same memo for another environment. Not sorted, which would compile the engine's sort (fast-hit.ts says why).
 */
export function environmentText(env: NodeJS.ProcessEnv): string {
  let environment = '';
  const names = Object.keys(env);
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    if (!NOT_INPUTS.has(name)) environment += `\0${name}=${env[name]}`;
  }
  return environment;
}

/**
 * Everything but the files that decides the answer, as one digest: the SHA-512/256 (the runtime's one-shot
 * `Bun.sha`) of one JSON array of them, which no two different sets of inputs share (stdin as one character per
 * byte, so that any bytes keep their identity; a loop over them would make the engine compile it when a kubelet's
 * request is long). Which build too: another build may decide otherwise.
 */
export function inputDigest(
  bun: BunApi,
  argv: readonly string[],
  stdin: Uint8Array,
  identity: string,
  environment: string,
): string {
  // windows-1252 (what the "latin1" label decodes): one distinct character per byte value, no loop over the bytes.
  const request = new TextDecoder('latin1').decode(stdin);
  return bun.sha(
    JSON.stringify([
      'docker-credential-ecr hit memo 2',
      VERSION,
      BUILD,
      identity,
      invokedName(),
      argv,
      request,
      environment,
    ]),
    'hex',
  );
}
