// The types of scripts/lib/stub-ecr.mjs (plain JavaScript, shared with scripts/release.mjs), for the release tests.

export interface Run {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  error?: Error;
  timedOut: boolean;
  ms: number;
}

export interface StubEcr {
  crowd(
    command: string[],
    options?: { n?: number; extraEnv?: Record<string, string>; timeoutMs?: number },
  ): Promise<{ runs: Run[]; calls: number; ms: number }>;
  versionMissHit(
    command: string[],
    options?: { extraEnv?: Record<string, string>; timeoutMs?: number },
  ): Promise<{ version: Run; miss: Run; hit: Run; callsAfterMiss: number; callsAfterHit: number }>;
  run(
    cmd: string,
    args: string[],
    options?: { env?: Record<string, string | undefined>; stdin?: string; timeoutMs?: number },
  ): Promise<Run>;
  startStubEcr(): Promise<{ url: string; calls(): number; close(): Promise<void> }>;
  stubEnv(stub: { url: string }, extra?: Record<string, string>): { env: Record<string, string>; cleanup(): void };
  describeRun(r: Run): string;
  isStubAnswer(stdout: string): boolean;
  REGISTRY: string;
}
