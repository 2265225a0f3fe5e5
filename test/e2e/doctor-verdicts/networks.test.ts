// Doctor's and get's verdicts when the network between the helper and AWS is not plain (proxies, TLS
// inspection, refusals, black holes): each named as what it is, never as "access denied".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useFakeAws } from '../../support/use-fake-aws';
import { runExecutable } from '../../support/executable';
import { doctor, fixOf, HOST, line, machineOn, type Machine } from './verdict-machine';

const fake = useFakeAws();
const machine = machineOn(fake);

/** STS reached through the fake as an HTTPS proxy (its CA trusted), under the real AWS host names. */
function proxied(extra: Record<string, string> = {}): Machine {
  return machine(
    { credHelpers: { [HOST]: 'ecr' } },
    {
      HTTPS_PROXY: fake.url,
      AWS_CA_BUNDLE: fake.caFile,
      AWS_ENDPOINT_URL_ECR: '',
      AWS_ENDPOINT_URL_ECR_PUBLIC: '',
      AWS_ENDPOINT_URL_STS: '',
      ...extra,
    },
  );
}

const STS_HOST = 'sts.eu-west-1.amazonaws.com';

test('STS through networks that are not plain: each named as what it is, a warning while tokens work, never "access denied"', async () => {
  const cases: {
    name: string;
    arrange: () => void;
    env?: Record<string, string>;
    verdict: RegExp;
    fix: RegExp;
    repaired: () => Record<string, string> | void;
  }[] = [
    {
      name: 'the proxy refuses CONNECT to STS',
      arrange: () => fake.connectFault(STS_HOST, 'refuse'),
      verdict:
        /the proxy http:\/\/127\.0\.0\.1:\d+ \(from HTTPS_PROXY\) refused to connect to sts\.eu-west-1\.amazonaws\.com:443 \(HTTP 403 to CONNECT\): not an AWS answer/,
      fix: /^have sts\.eu-west-1\.amazonaws\.com allowed through the proxy, or reach it directly by adding it to NO_PROXY$/,
      repaired: () => fake.reset(),
    },
    {
      name: 'the proxy answers with an HTML refusal page',
      arrange: () => fake.fail('sts', 'proxy-refusal'),
      verdict:
        /the answer from the STS API endpoint sts\.eu-west-1\.amazonaws\.com through the proxy http:\/\/127\.0\.0\.1:\d+ \(from HTTPS_PROXY\) is not from AWS \(HTTP 403 without an AWS error: the proxy refusing the request\?\)/,
      fix: /^have sts\.eu-west-1\.amazonaws\.com allowed through the proxy http:\/\/127\.0\.0\.1:\d+, or reach it directly by adding it to NO_PROXY$/,
      repaired: () => fake.reset(),
    },
    {
      name: 'the proxy resets the connection',
      arrange: () => fake.connectFault(STS_HOST, 'reset'),
      verdict:
        /the connection to the STS API endpoint sts\.eu-west-1\.amazonaws\.com through the proxy http:\/\/127\.0\.0\.1:\d+ \(from HTTPS_PROXY\) was reset before an answer came/,
      fix: /^the proxy http:\/\/127\.0\.0\.1:\d+ \(HTTPS_PROXY\) dropped it: check that it lets sts\.eu-west-1\.amazonaws\.com:443 through$/,
      repaired: () => fake.reset(),
    },
    {
      name: 'TLS interception with a CA this machine does not trust',
      arrange: () => undefined,
      // The ECR calls keep the fake's plain endpoint; only STS goes through the intercepting proxy, untrusted.
      env: { AWS_CA_BUNDLE: '', AWS_ENDPOINT_URL_ECR: fake.url },
      verdict:
        /TLS to the STS API endpoint sts\.eu-west-1\.amazonaws\.com through the proxy http:\/\/127\.0\.0\.1:\d+ \(from HTTPS_PROXY\) failed \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN)\): its certificate is signed by a CA this machine does not trust, as when a proxy inspects TLS/,
      fix: /^point AWS_CA_BUNDLE at the inspecting proxy's CA certificate \(a PEM file\)$/,
      repaired: () => ({ AWS_CA_BUNDLE: fake.caFile }),
    },
    {
      name: 'a host name that does not resolve',
      arrange: () => undefined,
      env: { HTTPS_PROXY: '', AWS_ENDPOINT_URL_ECR: fake.url, AWS_ENDPOINT_URL_STS: 'https://sts.corp-mirror.invalid' },
      verdict: /the host name sts\.corp-mirror\.invalid does not resolve \(ENOTFOUND\)/,
      fix: /^check DNS on this machine and the endpoint override \(AWS_ENDPOINT_URL_\*\)/,
      repaired: () => ({ AWS_ENDPOINT_URL_STS: fake.url }),
    },
    {
      name: 'a proxy that is not listening',
      arrange: () => undefined,
      env: { HTTPS_PROXY: 'http://proxy-user:proxy-pass@127.0.0.1:9', AWS_ENDPOINT_URL_ECR: fake.url },
      verdict:
        /cannot connect to the proxy http:\/\/\*\*\*@127\.0\.0\.1:9 \(from HTTPS_PROXY\) to reach the STS API endpoint sts\.eu-west-1\.amazonaws\.com \(ECONNREFUSED\)/,
      fix: /^check HTTPS_PROXY: is a proxy listening at http:\/\/\*\*\*@127\.0\.0\.1:9\?$/,
      repaired: () => ({ HTTPS_PROXY: fake.url }),
    },
  ];
  for (const c of cases) {
    fake.reset();
    const m = proxied(c.env);
    c.arrange();
    const result = await doctor(m);
    assert.equal(result.code, 0, `${c.name}:\n${result.stdout}${result.stderr}`);
    const verdict = line(result, 'warn', /AWS identity/);
    assert.match(verdict, c.verdict, c.name);
    assert.match(verdict, /tokens are fetched all the same, so pulls work/, c.name);
    assert.match(fixOf(verdict), c.fix, c.name);
    assert.doesNotMatch(result.stdout + result.stderr, /access denied|IAM permission sts:|proxy-pass/i, c.name);
    line(result, 'ok', /token fetched from AWS now/);
    // Repaired (the proxy lets STS through, the CA is trusted, the endpoint resolves): the identity is named.
    const changes = c.repaired() ?? {};
    Object.assign(m.env, changes);
    const fixed = await doctor(m);
    assert.equal(fixed.code, 0, fixed.stdout);
    line(fixed, 'ok', /AWS identity arn:aws:iam::123456789012:user\/AKIAE2ETESTKEY000001 \(account 123456789012\)/);
  }
});

test('the same networks when tokens do not come either: a failure, still named as what it is', async () => {
  const m = proxied({ AWS_ENDPOINT_URL_ECR: fake.url });
  fake.connectFault(STS_HOST, 'refuse');
  fake.fail('ecr', 'proxy-refusal');
  const result = await doctor(m);
  assert.equal(result.code, 1);
  assert.match(
    line(result, 'fail', /AWS identity/),
    /refused to connect to sts\.eu-west-1\.amazonaws\.com:443 \(HTTP 403 to CONNECT\)/,
  );
  assert.match(line(result, 'fail', /no token from the ECR API/), /is not from AWS \(HTTP 403 without an AWS error/);
  assert.doesNotMatch(result.stdout, /access denied/i);
});

test('GetCallerIdentity needs no permission: a refusal is never "needs IAM permission sts:GetCallerIdentity"', async () => {
  const m = machine({ credHelpers: { [HOST]: 'ecr' } });
  fake.fail('sts', 'access-denied', { times: 10 });
  const result = await doctor(m);
  assert.equal(result.code, 0, result.stdout);
  const verdict = line(result, 'warn', /AWS identity/);
  assert.match(
    verdict,
    /the STS API refused the call \(.*\), which needs no IAM permission: the credentials \(environment key AKIAE2ETESTKEY000001\) are not accepted, or the answer is not from AWS; tokens are fetched all the same/,
  );
  assert.match(
    fixOf(verdict),
    /^check the credentials \(`aws sts get-caller-identity` shows whether AWS accepts them\), and any proxy or VPC endpoint policy between here and STS$/,
  );
  assert.doesNotMatch(result.stdout, /IAM permission sts:GetCallerIdentity/);
});

test('get, through the same networks to the ECR API: every classification with the built executable, never "access denied"', async () => {
  const API = 'api.ecr.eu-west-1.amazonaws.com';
  const cases: [string, () => void, Record<string, string>, RegExp][] = [
    [
      'CONNECT refused',
      () => fake.connectFault(API, 'refuse'),
      {},
      /the proxy http:\/\/127\.0\.0\.1:\d+ \(from HTTPS_PROXY\) refused to connect to api\.ecr\.eu-west-1\.amazonaws\.com:443 \(HTTP 403 to CONNECT\): not an AWS answer; have api\.ecr\.eu-west-1\.amazonaws\.com allowed through the proxy/,
    ],
    [
      'refusal page',
      () => fake.fail('ecr', 'proxy-refusal', { times: 10 }),
      {},
      /the answer from the ECR API endpoint api\.ecr\.eu-west-1\.amazonaws\.com through the proxy http:\/\/127\.0\.0\.1:\d+ \(from HTTPS_PROXY\) is not from AWS \(HTTP 403 without an AWS error/,
    ],
    [
      'reset',
      () => fake.connectFault(API, 'reset'),
      {},
      /the connection to the ECR API endpoint api\.ecr\.eu-west-1\.amazonaws\.com through the proxy .* was reset before an answer came/,
    ],
    [
      'unknown CA',
      () => undefined,
      { AWS_CA_BUNDLE: '' },
      /TLS to the ECR API endpoint api\.ecr\.eu-west-1\.amazonaws\.com through the proxy .* failed \([A-Z_]+\): its certificate is signed by a CA this machine does not trust.*; point AWS_CA_BUNDLE at the inspecting proxy's CA certificate/,
    ],
    [
      'DNS',
      () => undefined,
      { HTTPS_PROXY: '', AWS_ENDPOINT_URL_ECR: 'https://ecr.corp-mirror.invalid' },
      /the host name ecr\.corp-mirror\.invalid does not resolve \(ENOTFOUND\)/,
    ],
  ];
  for (const [name, arrange, extra, expected] of cases) {
    fake.reset();
    const m = proxied({ AWS_ECR_DISABLE_CACHE: '1', ...extra });
    arrange();
    const result = await runExecutable(['get'], { stdin: HOST, env: m.env });
    assert.equal(result.code, 1, name);
    // Docker reads one line on stdout: the same explanation (docker-credential-helpers' convention).
    assert.match(result.stdout, /^[^\n]+\n$/, name);
    assert.match(result.stderr, expected, `${name}: ${result.stderr}`);
    assert.doesNotMatch(result.stderr, /access denied|IAM permission/i, name);
  }
});

test('get names the proxy and the variable that set it when the proxy refuses', async () => {
  const m = machine(undefined, {
    HTTPS_PROXY: '',
    https_proxy: 'http://127.0.0.1:9',
    AWS_ENDPOINT_URL_ECR: 'https://api.ecr.eu-west-1.amazonaws.com',
  });
  const result = await runExecutable(['get'], { stdin: HOST, env: m.env });
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /no token from the ECR API in eu-west-1 as environment key AKIAE2ETESTKEY000001: cannot connect to the proxy http:\/\/127\.0\.0\.1:9 \(from https_proxy\) to reach the ECR API endpoint api\.ecr\.eu-west-1\.amazonaws\.com \(ECONNREFUSED\); check https_proxy: is a proxy listening at http:\/\/127\.0\.0\.1:9\?/,
  );
});
