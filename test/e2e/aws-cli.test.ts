// The aws CLI as the reference client: `aws ecr get-login-password` and `aws ecr-public get-login-password`
// against the fake AWS make the same API call, signed the same way, as the helper does for the same
// identity and region. The fake issues a new token per call, so the calls' shapes are compared, and each
// side must have returned exactly the password issued for its own call.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type FakeCall } from '../support/fake-aws';
import { useFakeAws } from '../support/use-fake-aws';
import { assertBuilt, runExecutable } from '../support/executable';
import { helperEnv } from '../support/helper-bin';
import { runCommand, transcript } from '../support/command';
import { requireTool } from '../support/tools';
import { tempDir } from '../support/temp';

let aws: string;
const fake = useFakeAws();

before(() => {
  aws = requireTool('aws');
  assertBuilt();
});

/** The parts of a call that say who asked what, where; not the per-call signature or timing. */
function shape(call: FakeCall): Record<string, unknown> {
  return {
    service: call.service,
    target: call.target,
    protocol: call.protocol,
    region: call.region,
    signingService: call.signingService,
    accessKeyId: call.accessKeyId,
    sessionToken: call.sessionToken,
    host: call.host,
    viaProxy: call.viaProxy,
  };
}

async function compare(service: 'ecr' | 'ecr-public', awsArgs: string[], helperStdin: string): Promise<void> {
  const home = tempDir('dce-aws-');
  // The helper's own environment, plus the machine's PATH for the aws CLI's interpreter.
  const env = { ...helperEnv(fake.url, home), PATH: process.env.PATH ?? '' };
  const cli = await runCommand(aws, [...awsArgs, '--region', 'us-east-1', '--endpoint-url', fake.url], {
    env,
    timeoutMs: 30_000,
  });
  assert.equal(cli.code, 0, transcript(cli));
  const helper = await runExecutable(['get'], { stdin: helperStdin, env });
  assert.equal(helper.code, 0, helper.stderr);

  const calls = fake.callsFor(service);
  assert.equal(calls.length, 2, JSON.stringify(fake.calls));
  assert.equal(fake.issued.length, 2);
  // First the aws CLI's call, then the helper's (the SDK's), not one client twice.
  assert.match(calls[0].userAgent ?? '', /^aws-cli\//);
  assert.match(calls[1].userAgent ?? '', /^aws-sdk-js\//);
  assert.equal(calls[0].accessKeyId, 'AKIAE2ETESTKEY000001');
  assert.equal(calls[0].region, 'us-east-1');
  assert.deepEqual(shape(calls[1]), shape(calls[0]));
  // Neither side asks for anything but the caller's default registry.
  assert.deepEqual(calls[1].body, calls[0].body);

  assert.equal(cli.stdout, `${fake.issued[0].password}\n`);
  assert.deepEqual(JSON.parse(helper.stdout), {
    ServerURL: helperStdin,
    Username: 'AWS',
    Secret: fake.issued[1].password,
  });
}

test('aws ecr get-login-password and the helper make the same ECR call', async () => {
  await compare('ecr', ['ecr', 'get-login-password'], '123456789012.dkr.ecr.us-east-1.amazonaws.com');
  assert.equal(fake.calls[0].target, 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken');
});

test('aws ecr-public get-login-password and the helper make the same ECR Public call', async () => {
  await compare('ecr-public', ['ecr-public', 'get-login-password'], 'public.ecr.aws');
  assert.equal(fake.calls[0].target, 'SpencerFrontendService.GetAuthorizationToken');
});
