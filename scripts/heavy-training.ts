// Build-time only. scripts/build.mjs bundles this like src/main.ts and runs it, with the Node binary the
// executable is made of, against a stub ECR API on 127.0.0.1 (argv[2]). It fetches tokens the ways users do
// (private ECR with environment keys, ECR Public, a profile through the SDK's credential chain) and then
// writes V8's code cache for the heavy bundle to argv[3]. Made after running, that cache holds the functions
// a token fetch compiles lazily as well, which a cache made from the source alone would not.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../src/cli';
import { createHeavyCodeCache, heavyLoadInfo } from '../src/heavy-loader';

async function get(host: string, env: Record<string, string>): Promise<void> {
  let out = '';
  let err = '';
  const stdout = new PassThrough().on('data', (chunk: Buffer) => (out += chunk.toString()));
  const stderr = new PassThrough().on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await runCli(['get'], { stdin: Readable.from([host]), stdout, stderr, env, now: () => Date.now() });
  if (code !== 0 || !out.includes('"Secret"')) throw new Error(`training get ${host} failed (exit ${code}): ${err.trim()}`);
}

async function main(): Promise<void> {
  const [endpoint, out, home] = process.argv.slice(2);
  if (!endpoint || !out || !home) throw new Error('usage: heavy-training <endpoint> <code cache out> <temporary home>');
  const base = {
    HOME: home,
    AWS_ECR_DISABLE_CACHE: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_ECR: endpoint,
    AWS_ENDPOINT_URL_ECR_PUBLIC: endpoint,
    DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '10000',
  };
  const keys = { AWS_ACCESS_KEY_ID: 'AKIABUILDTRAINING001', AWS_SECRET_ACCESS_KEY: 'build-training-secret' };
  // Written first: the SDK reads the shared files once per process, for its settings even with environment keys.
  mkdirSync(join(home, '.aws'), { recursive: true });
  writeFileSync(join(home, '.aws', 'credentials'), `[training]\naws_access_key_id = ${keys.AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${keys.AWS_SECRET_ACCESS_KEY}\n`);
  await get('123456789012.dkr.ecr.eu-west-1.amazonaws.com', { ...base, ...keys });
  await get('public.ecr.aws', { ...base, ...keys });
  await get('123456789012.dkr.ecr.us-east-1.amazonaws.com', { ...base, AWS_PROFILE: 'training' });
  const cache = createHeavyCodeCache();
  if (heavyLoadInfo()?.from !== 'file' || !cache) throw new Error(`the heavy bundle was not loaded from its file (${JSON.stringify(heavyLoadInfo())})`);
  writeFileSync(out, cache);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
