// The fake run as a process of its own (../fake-aws.ts as a script): the JSON line it prints and its /__fake
// controls.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { makeWebIdentityToken } from '../fake-aws';
import { credentials, errorOf } from './sdk-clients';

const ROOT = resolve(__dirname, '..', '..', '..');

describe('standalone process', () => {
  it('runs standalone, printing its URL and honouring /__fake controls', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'fake-aws.ts')], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const line = await new Promise<string>((ok, fail) => {
        createInterface({ input: child.stdout }).once('line', ok);
        child.once('exit', (code) => fail(new Error(`standalone fake exited with ${code}`)));
      });
      const info = JSON.parse(line) as {
        url: string;
        port: number;
        caFile: string;
        containerCredentialsUrl: string;
        containerAuthorizationToken: string;
        blackHoleUrl: string;
      };
      assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(info.containerCredentialsUrl, `${info.url}/v1/credentials`);
      assert.match(info.blackHoleUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.match(readFileSync(info.caFile, 'utf8'), /BEGIN CERTIFICATE/);
      const control = (path: string, body: unknown): Promise<Response> =>
        fetch(`${info.url}/__fake/${path}`, { method: 'POST', body: JSON.stringify(body) });
      assert.equal((await control('fail', { service: 'ecr', fault: 'access-denied', times: 1 })).status, 200);
      const client = new ECRClient({ region: 'eu-north-1', endpoint: info.url, credentials, maxAttempts: 1 });
      assert.equal((await errorOf(client.send(new GetAuthorizationTokenCommand({})))).name, 'AccessDeniedException');
      await client.send(new GetAuthorizationTokenCommand({}));
      client.destroy();
      const dump = (await (await fetch(`${info.url}/__fake/calls`)).json()) as {
        calls: { region: string }[];
        issued: unknown[];
      };
      assert.deepEqual(
        dump.calls.map((c) => c.region),
        ['eu-north-1', 'eu-north-1'],
      );
      assert.equal(dump.issued.length, 1);
      const role = 'arn:aws:iam::123456789012:role/standalone';
      assert.equal(
        (await control('trust-web-identity', { roleArn: role, subjects: ['system:serviceaccount:a:b'] })).status,
        200,
      );
      const anon = new STSClient({ region: 'us-east-1', endpoint: info.url, maxAttempts: 1 });
      const out = await anon.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: role,
          RoleSessionName: 'standalone',
          WebIdentityToken: makeWebIdentityToken({ sub: 'system:serviceaccount:a:b' }),
        }),
      );
      anon.destroy();
      const principal = (await (await control('principal', { accessKeyId: out.Credentials?.AccessKeyId })).json()) as {
        subject?: string;
      };
      assert.equal(principal.subject, 'system:serviceaccount:a:b');
      const pod = await fetch(info.containerCredentialsUrl, {
        headers: { authorization: info.containerAuthorizationToken },
      });
      assert.equal(pod.status, 200);
      assert.equal((await control('clock', { offsetMs: 3600_000 })).status, 200);
      assert.ok(
        Date.parse((await fetch(info.containerCredentialsUrl)).headers.get('date') ?? '') > Date.now() + 3500_000,
      );
    } finally {
      child.kill('SIGTERM');
    }
  });
});
