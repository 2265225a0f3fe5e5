// The SDK's default provider chain in a child process reaching the fake through the environment alone:
// AWS_ENDPOINT_URL_*, a role profile, IRSA and Pod Identity variables.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { makeWebIdentityToken } from '../fake-aws';
import { credentials, ROLE_ARN } from './sdk-clients';
import { useSdkClients } from '../use-fake-aws';

const ROOT = resolve(__dirname, '..', '..', '..');

/** Runs a Node child asynchronously: the fake lives in this process's event loop, so spawnSync would deadlock. */
function runNode(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((ok, fail) => {
    execFile(process.execPath, args, { cwd: ROOT, env, timeout: 10_000 }, (err, stdout, stderr) => {
      if (err) fail(new Error(`${err.message}\n${stderr}`));
      else ok(stdout);
    });
  });
}

const { fake } = useSdkClients();

describe('child processes', () => {
  it('AWS_ENDPOINT_URL_* and a role profile reach the fake (default provider chain, nested STS)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-aws-env-'));
    try {
      const config = join(dir, 'config');
      writeFileSync(
        config,
        [
          '[profile base]',
          `aws_access_key_id = ${credentials.accessKeyId}`,
          `aws_secret_access_key = ${credentials.secretAccessKey}`,
          '[profile deploy]',
          `role_arn = ${ROLE_ARN}`,
          'source_profile = base',
          'external_id = ext-profile',
          'region = ca-central-1',
          '',
        ].join('\n'),
      );
      const script = `
        const { ECRClient, GetAuthorizationTokenCommand } = require('@aws-sdk/client-ecr');
        const { ECRPUBLICClient, GetAuthorizationTokenCommand: Pub } = require('@aws-sdk/client-ecr-public');
        (async () => {
          const a = await new ECRClient({}).send(new GetAuthorizationTokenCommand({}));
          const b = await new ECRPUBLICClient({ region: 'us-east-1' }).send(new Pub({}));
          console.log(JSON.stringify([a.authorizationData[0].authorizationToken, b.authorizationData.authorizationToken]));
        })().catch((e) => { console.error(e); process.exit(1); });`;
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: dir,
        AWS_CONFIG_FILE: config,
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
        AWS_PROFILE: 'deploy',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_ENDPOINT_URL_ECR: fake.url,
        AWS_ENDPOINT_URL_ECR_PUBLIC: fake.url,
        AWS_ENDPOINT_URL_STS: fake.url,
        NODE_NO_WARNINGS: '1',
      };
      const [priv, pub] = JSON.parse(await runNode(['-e', script], env)) as [string, string];
      assert.deepEqual(
        fake.issued.map((t) => t.authorizationToken),
        [priv, pub],
      );
      const stsCalls = fake.callsFor('sts');
      assert.ok(stsCalls.length >= 1);
      assert.equal(stsCalls[0].action, 'AssumeRole');
      assert.equal(stsCalls[0].body.ExternalId, 'ext-profile');
      assert.equal(stsCalls[0].accessKeyId, credentials.accessKeyId);
      const [ecrCall] = fake.callsFor('ecr');
      assert.equal(ecrCall.region, 'ca-central-1');
      assert.match(ecrCall.accessKeyId ?? '', /^ASIAFAKEROLE/);
      assert.equal(fake.issued[0].accessKeyId, ecrCall.accessKeyId);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the default provider chain reaches the fake through IRSA and Pod Identity variables', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-aws-chain-'));
    try {
      const script = `
        const { ECRClient, GetAuthorizationTokenCommand } = require('@aws-sdk/client-ecr');
        new ECRClient({ region: 'eu-central-1' }).send(new GetAuthorizationTokenCommand({}))
          .then((a) => console.log(a.authorizationData[0].authorizationToken))
          .catch((e) => { console.error(e); process.exit(1); });`;
      const base: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: dir,
        AWS_CONFIG_FILE: join(dir, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_ENDPOINT_URL_ECR: fake.url,
        AWS_ENDPOINT_URL_STS: fake.url,
        NODE_NO_WARNINGS: '1',
      };
      const subject = 'system:serviceaccount:kube-system:ecr-puller';
      const role = 'arn:aws:iam::444455556666:role/irsa';
      fake.trustWebIdentity(role, { subjects: [subject] });
      const tokenFile = join(dir, 'irsa-token');
      writeFileSync(tokenFile, makeWebIdentityToken({ sub: subject }));
      const irsa = (
        await runNode(['-e', script], {
          ...base,
          AWS_ROLE_ARN: role,
          AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
          AWS_ROLE_SESSION_NAME: 'irsa-session',
        })
      ).trim();
      assert.equal(fake.issued[0]?.authorizationToken, irsa);
      assert.deepEqual(
        fake.calls.map((c) => [c.service, c.action]),
        [
          ['sts', 'AssumeRoleWithWebIdentity'],
          ['ecr', 'GetAuthorizationToken'],
        ],
      );
      const byIrsa = fake.principalFor(fake.issued[0]?.accessKeyId);
      assert.deepEqual(byIrsa && [byIrsa.source, byIrsa.roleArn, byIrsa.subject, byIrsa.roleSessionName], [
        'AssumeRoleWithWebIdentity',
        role,
        subject,
        'irsa-session',
      ]);

      const podTokenFile = join(dir, 'eks-pod-identity-token');
      writeFileSync(podTokenFile, fake.containerAuthorizationToken);
      const pod = (
        await runNode(['-e', script], {
          ...base,
          AWS_CONTAINER_CREDENTIALS_FULL_URI: fake.containerCredentialsUrl,
          AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: podTokenFile,
        })
      ).trim();
      assert.equal(fake.issued[1]?.authorizationToken, pod);
      assert.equal(fake.containerCalls.length, 1);
      assert.equal(fake.containerCalls[0]?.authorization, fake.containerAuthorizationToken);
      assert.equal(fake.principalFor(fake.issued[1]?.accessKeyId)?.source, 'container');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
