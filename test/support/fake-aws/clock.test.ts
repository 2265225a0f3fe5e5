// setClockOffset(): answers dated on AWS's clock, the five-minute signing window, and expiries, as a client whose
// clock is off sees them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { makeWebIdentityToken } from '../fake-aws';
import { credentials, errorOf } from './sdk-clients';
import { useSdkClients } from '../use-fake-aws';

const { fake } = useSdkClients();

describe("clock offset (a machine whose clock is not AWS's)", () => {
  const fresh = (maxAttempts: number) =>
    new ECRClient({ region: 'eu-west-1', endpoint: fake.url, credentials, maxAttempts });

  it("dates answers and expiries on AWS's clock; the SDK adopts it from the Date header", async () => {
    fake.setClockOffset(2 * 60_000); // inside the signing window
    const res = await fetch(fake.url, { method: 'POST', body: '' });
    const served = Date.parse(res.headers.get('date') ?? '');
    assert.ok(Math.abs(served - Date.now() - 120_000) < 2000, `Date header ${res.headers.get('date')}`);
    const client = fresh(1);
    assert.equal(client.config.systemClockOffset, 0);
    const out = await client.send(new GetAuthorizationTokenCommand({}));
    // Even a small skew is adopted on success (second resolution, so up to 1 s short).
    assert.ok(Math.abs(client.config.systemClockOffset - 120_000) <= 1500, `offset ${client.config.systemClockOffset}`);
    const expiresAt = out.authorizationData?.[0]?.expiresAt?.getTime() ?? 0;
    const onAwsClock = expiresAt - (Date.now() + client.config.systemClockOffset);
    const onLocalClock = expiresAt - Date.now();
    assert.ok(Math.abs(onAwsClock - 12 * 3600_000) < 5000, `AWS-clock lifetime ${onAwsClock}`);
    assert.ok(Math.abs(onLocalClock - (12 * 3600_000 + 120_000)) < 5000, `local-clock lifetime ${onLocalClock}`);
    client.destroy();
  });

  it("refuses signatures outside five minutes of AWS's clock; the SDK corrects and retries", async () => {
    fake.setClockOffset(3600_000); // the local clock is an hour slow
    const once = fresh(1);
    const err = await errorOf(once.send(new GetAuthorizationTokenCommand({})));
    assert.equal(err.name, 'InvalidSignatureException');
    assert.match(
      err.message,
      /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/,
    );
    assert.equal(fake.calls[0]?.error, 'InvalidSignatureException');
    assert.equal(fake.issued.length, 0);
    // The error's Date header already corrected the client: the next call is signed on AWS's clock.
    assert.ok(Math.abs(once.config.systemClockOffset - 3600_000) < 2000);
    await once.send(new GetAuthorizationTokenCommand({}));
    once.destroy();

    const retrying = fresh(3);
    const out = await retrying.send(new GetAuthorizationTokenCommand({}));
    retrying.destroy();
    assert.equal(out.$metadata.attempts, 2);

    fake.setClockOffset(-3600_000); // the local clock is an hour fast
    const stsFast = new STSClient({ region: 'us-east-1', endpoint: fake.url, credentials, maxAttempts: 1 });
    const future = await errorOf(stsFast.send(new GetCallerIdentityCommand({})));
    stsFast.destroy();
    assert.equal(future.name, 'SignatureDoesNotMatch');
    assert.match(future.message, /^Signature not yet current: .* \+ 5 min\.\)$/);
    // Faults stand for later stages: a refused signature does not use one up.
    fake.fail('ecr', 'throttle', { times: 1 });
    const skewed = fresh(1);
    assert.equal((await errorOf(skewed.send(new GetAuthorizationTokenCommand({})))).name, 'InvalidSignatureException');
    assert.equal((await errorOf(skewed.send(new GetAuthorizationTokenCommand({})))).name, 'ThrottlingException');
    skewed.destroy();
  });

  it("expires web identity tokens and STS credentials on AWS's clock", async () => {
    const role = 'arn:aws:iam::210987654321:role/clocked';
    fake.trustWebIdentity(role, { subjects: ['*'] });
    fake.setClockOffset(2 * 3600_000);
    const anonymous = new STSClient({ region: 'us-east-1', endpoint: fake.url, maxAttempts: 1 });
    // Valid for an hour by the local clock, an hour stale by AWS's.
    const err = await errorOf(
      anonymous.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: role,
          RoleSessionName: 'late',
          WebIdentityToken: makeWebIdentityToken({ sub: 'x' }),
        }),
      ),
    );
    assert.equal(err.name, 'ExpiredTokenException');
    fake.setClockOffset(-30 * 60_000);
    const out = await anonymous.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: role,
        RoleSessionName: 'early',
        WebIdentityToken: makeWebIdentityToken({ sub: 'x' }),
      }),
    );
    anonymous.destroy();
    const left = (out.Credentials?.Expiration?.getTime() ?? 0) - Date.now();
    assert.ok(Math.abs(left - 30 * 60_000) < 5000, `credentials expire ${left} ms from local now`);
    fake.reset();
    assert.equal(fake.clockOffsetMs, 0);
  });
});
