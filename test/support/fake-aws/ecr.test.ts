// ECR and ECR Public GetAuthorizationToken against the real SDK clients: the tokens issued, what is recorded of
// each call, and the lifetimes a test can set.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { GetAuthorizationTokenCommand as GetPublicAuthorizationTokenCommand } from '@aws-sdk/client-ecr-public';
import { ECR_GET_AUTHORIZATION_TOKEN_TARGET, ECR_PUBLIC_GET_AUTHORIZATION_TOKEN_TARGET } from '../fake-aws';
import { credentials } from './sdk-clients';
import { useSdkClients } from '../use-fake-aws';

function decode(token: string | undefined): string {
  return Buffer.from(token ?? '', 'base64').toString('utf8');
}

const { fake, ecr, ecrPublic } = useSdkClients();

describe('fake AWS with the real SDK clients: ECR and ECR Public', () => {
  it('issues distinct ECR tokens and records region, key and host', async () => {
    const first = await ecr.send(new GetAuthorizationTokenCommand({}));
    const second = await ecr.send(new GetAuthorizationTokenCommand({}));
    const a = first.authorizationData?.[0];
    const b = second.authorizationData?.[0];
    assert.ok(a && b);
    assert.notEqual(a.authorizationToken, b.authorizationToken);
    assert.equal(a.proxyEndpoint, 'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com');
    const [user, password] = decode(a.authorizationToken).split(':');
    assert.equal(user, 'AWS');
    assert.deepEqual(
      fake.issued.map((t) => [t.service, t.password, t.region, t.accessKeyId]),
      [
        ['ecr', password, 'eu-west-1', credentials.accessKeyId],
        ['ecr', decode(b.authorizationToken).slice(4), 'eu-west-1', credentials.accessKeyId],
      ],
    );
    // 12 h by default, parsed by the SDK into a Date from epoch seconds.
    const lifetime = (a.expiresAt?.getTime() ?? 0) - Date.now();
    assert.ok(Math.abs(lifetime - 12 * 3600_000) < 60_000, `lifetime ${lifetime}`);
    assert.equal(fake.calls.length, 2);
    const call = fake.calls[0];
    assert.equal(call.service, 'ecr');
    assert.equal(call.action, 'GetAuthorizationToken');
    assert.equal(call.region, 'eu-west-1');
    assert.equal(call.signingService, 'ecr');
    assert.equal(call.accessKeyId, credentials.accessKeyId);
    assert.equal(call.host, `127.0.0.1:${fake.port}`);
    assert.equal(call.viaProxy, false);
    assert.deepEqual(call.body, {});
  });

  it('answers one entry per registryIds account, sharing the token', async () => {
    const out = await ecr.send(new GetAuthorizationTokenCommand({ registryIds: ['111111111111', '222222222222'] }));
    assert.deepEqual(
      out.authorizationData?.map((d) => d.proxyEndpoint),
      ['https://111111111111.dkr.ecr.eu-west-1.amazonaws.com', 'https://222222222222.dkr.ecr.eu-west-1.amazonaws.com'],
    );
    assert.equal(new Set(out.authorizationData?.map((d) => d.authorizationToken)).size, 1);
    assert.deepEqual(fake.calls[0].body, { registryIds: ['111111111111', '222222222222'] });
  });

  it('issues ECR Public tokens', async () => {
    const out = await ecrPublic.send(new GetPublicAuthorizationTokenCommand({}));
    const decoded = decode(out.authorizationData?.authorizationToken);
    assert.match(decoded, /^AWS:fake-ecr-public-/);
    assert.equal(fake.issued[0].service, 'ecr-public');
    assert.equal(fake.issued[0].password, decoded.slice(4));
    const [call] = fake.callsFor('ecr-public');
    assert.equal(call.signingService, 'ecr-public');
    assert.equal(call.region, 'us-east-1');
    assert.equal(fake.callsFor('ecr').length, 0);
  });

  it('exports the targets the SDK sends', async () => {
    await ecr.send(new GetAuthorizationTokenCommand({}));
    await ecrPublic.send(new GetPublicAuthorizationTokenCommand({}));
    assert.deepEqual(
      fake.calls.map((c) => c.target),
      [ECR_GET_AUTHORIZATION_TOKEN_TARGET, ECR_PUBLIC_GET_AUTHORIZATION_TOKEN_TARGET],
    );
  });

  it('honours setTokenLifetime, globally and per service', async () => {
    fake.setTokenLifetime(-60);
    fake.setTokenLifetime(120, 'ecr-public');
    const priv = await ecr.send(new GetAuthorizationTokenCommand({}));
    const pub = await ecrPublic.send(new GetPublicAuthorizationTokenCommand({}));
    assert.ok((priv.authorizationData?.[0].expiresAt?.getTime() ?? Infinity) < Date.now() - 50_000);
    const pubLeft = (pub.authorizationData?.expiresAt?.getTime() ?? 0) - Date.now();
    assert.ok(pubLeft > 100_000 && pubLeft <= 120_000, `ecr-public lifetime ${pubLeft}`);
    fake.reset();
    const fresh = await ecr.send(new GetAuthorizationTokenCommand({}));
    assert.ok((fresh.authorizationData?.[0].expiresAt?.getTime() ?? 0) > Date.now() + 11 * 3600_000);
  });
});
