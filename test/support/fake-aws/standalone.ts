// The fake as a process of its own (npm run bench: scripts/bench/fake-aws.mjs, and tests whose client runs
// elsewhere): started from ../fake-aws.ts run as a script, it prints what a client needs as one JSON line and
// serves until SIGINT or SIGTERM. The /__fake/* endpoints (control-endpoints.ts) stand in for the in-process methods.
import { startFakeAws } from './server';

export async function runStandalone(argv: string[]): Promise<void> {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const portArg = arg('--port');
  const accountArg = arg('--account');
  const fake = await startFakeAws({
    ...(portArg !== undefined ? { port: Number(portArg) } : {}),
    ...(accountArg !== undefined ? { account: accountArg } : {}),
  });
  const info = {
    url: fake.url,
    port: fake.port,
    caFile: fake.caFile,
    containerCredentialsUrl: fake.containerCredentialsUrl,
    containerAuthorizationToken: fake.containerAuthorizationToken,
    blackHoleUrl: fake.blackHoleUrl,
  };
  process.stdout.write(`${JSON.stringify(info)}\n`);
  const stop = (): void => {
    void fake.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
