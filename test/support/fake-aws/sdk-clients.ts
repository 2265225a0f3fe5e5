// What the fake's own tests (*.test.ts beside this file) share: the real SDK v3 clients pointed at a running
// fake, signed with static test keys, and the helpers for the errors and environment those clients see.
// maxAttempts is 1 so a fault shows as the error it stands for, not as a retry.
import assert from 'node:assert/strict';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECRPUBLICClient } from '@aws-sdk/client-ecr-public';
import { STSClient } from '@aws-sdk/client-sts';
import { startFakeAws, type FakeAws } from '../fake-aws';

export const credentials = { accessKeyId: 'AKIAFAKETESTKEY00001', secretAccessKey: 'fake-secret' };
/** In another account than the fake's, with a path, so ARNs show both. */
export const ROLE_ARN = 'arn:aws:iam::210987654321:role/ci/deployer';

export interface SdkClients {
  fake: FakeAws;
  ecr: ECRClient;
  ecrPublic: ECRPUBLICClient;
  sts: STSClient;
}

export async function startSdkClients(): Promise<SdkClients> {
  const fake = await startFakeAws();
  return {
    fake,
    ecr: new ECRClient({ region: 'eu-west-1', endpoint: fake.url, credentials, maxAttempts: 1 }),
    ecrPublic: new ECRPUBLICClient({ region: 'us-east-1', endpoint: fake.url, credentials, maxAttempts: 1 }),
    sts: new STSClient({ region: 'us-east-1', endpoint: fake.url, credentials, maxAttempts: 1 }),
  };
}

export async function closeSdkClients(clients: SdkClients | undefined): Promise<void> {
  if (!clients) return;
  for (const c of [clients.ecr, clients.ecrPublic, clients.sts]) c.destroy();
  await clients.fake.close();
}

export function errorOf(
  promise: Promise<unknown>,
): Promise<Error & { $fault?: string; $metadata?: { httpStatusCode?: number } }> {
  return promise.then(
    () => assert.fail('expected the call to fail'),
    (err: unknown) => {
      assert.ok(err instanceof Error, `not an Error: ${String(err)}`);
      return err;
    },
  );
}

/** Runs fn with process.env changed (the container providers read it), restoring it afterwards. */
export async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
