// What differs between the runtimes this source runs on: the compiled executable (Bun) and Node (the tests, the
// npm package). Everything runtime-specific is here, so the rest of the source stays neutral.

interface BunGlobal {
  isStandaloneExecutable?: boolean;
}

/** This process's own executable when it is the compiled single executable; undefined under Node (tests, npm). */
export function selfExecutable(): string | undefined {
  const bun = (globalThis as { Bun?: BunGlobal }).Bun;
  return bun?.isStandaloneExecutable ? process.execPath : undefined;
}

/**
 * The file name this program was started as (a symlink's or a copy's name): the compiled executable's argv[0],
 * or under Node the script's path. The kubelet starts AWS's plugin as `ecr-credential-provider`.
 */
export function invokedName(): string {
  const path = selfExecutable() ? process.argv0 : (process.argv[1] ?? '');
  return path.slice(path.lastIndexOf('/') + 1);
}

interface BunWriter {
  stdout: unknown;
  stderr: unknown;
  write(destination: unknown, data: string): Promise<number>;
}

/**
 * Under the compiled executable, writes `text` to stdout with the runtime's own call (never loading node:fs, see
 * main.ts) and, when that fails (a full disk, a closed pipe), says so once on stderr. Resolves to the exit code;
 * undefined when this is not the compiled executable (then stdio.ts writes).
 */
export function writeAnswerWithRuntime(text: string): Promise<number> | undefined {
  const bun = (globalThis as { Bun?: BunWriter }).Bun;
  if (!bun || !selfExecutable()) return undefined;
  return writeOrSay(bun, text);
}

// await, not then(): a hit runs this, and the engine's then() is compiled from source on its first call.
async function writeOrSay(bun: BunWriter, text: string): Promise<number> {
  try {
    await bun.write(bun.stdout, text);
    return 0;
  } catch (error) {
    try {
      await bun.write(
        bun.stderr,
        `docker-credential-ecr: cannot write to standard output: ${(error as { code?: string } | undefined)?.code ?? 'error'}\n`,
      );
    } catch {
      // nothing more can be said
    }
    return 1;
  }
}
