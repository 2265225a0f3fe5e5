// The /__fake/* endpoints: the in-process methods of FakeAws over HTTP, for the standalone fake (standalone.ts),
// whose tests and benchmarks live in another process. Each takes a JSON body and answers JSON.
import type * as http from 'node:http';
import type { Service } from './constants';
import type { FakeAws } from './fake-aws-handle';
import { FAULT_TARGETS, type Fault, type FaultTarget } from './faults';
import type { MfaRequirement } from './mfa';
import type { Responder } from './responses';
import type { WebIdentityTrust } from './web-identity-trust';

/** dumpCalls: the recorded lists as JSON, for /__fake/calls. */
export function createControlEndpoints(
  fake: FakeAws,
  dumpCalls: () => string,
  send: Responder['send'],
): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      let input: Record<string, unknown> = {};
      try {
        input = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
      } catch {
        return send(res, 400, 'application/json', '{"error":"body is not JSON"}');
      }
      const service = input.service as FaultTarget | undefined;
      if (service !== undefined && !FAULT_TARGETS.includes(service))
        return send(res, 400, 'application/json', '{"error":"unknown service"}');
      try {
        if (path === '/__fake/calls') return send(res, 200, 'application/json', dumpCalls());
        if (path === '/__fake/principal')
          return send(
            res,
            200,
            'application/json',
            JSON.stringify(fake.principalFor(String(input.accessKeyId)) ?? null),
          );
        if (path === '/__fake/reset') fake.reset();
        else if (path === '/__fake/fail' && service)
          fake.fail(service, input.fault as Fault, typeof input.times === 'number' ? { times: input.times } : {});
        else if (path === '/__fake/lifetime' && typeof input.seconds === 'number')
          fake.setTokenLifetime(input.seconds, service as Service | undefined);
        else if (path === '/__fake/trust-web-identity' && typeof input.roleArn === 'string')
          fake.trustWebIdentity(input.roleArn, input as unknown as WebIdentityTrust);
        else if (path === '/__fake/require-mfa' && typeof input.roleArn === 'string')
          fake.requireMfa(input.roleArn, input as unknown as MfaRequirement);
        else if (path === '/__fake/container-credentials') fake.setContainerCredentials(input);
        else if (path === '/__fake/clock' && typeof input.offsetMs === 'number') fake.setClockOffset(input.offsetMs);
        else if (path === '/__fake/route' && typeof input.target === 'string' && typeof input.port === 'number')
          fake.route(input.target, { port: input.port });
        else return send(res, 404, 'application/json', '{"error":"unknown control"}');
        send(res, 200, 'application/json', '{"ok":true}');
      } catch (err) {
        send(res, 400, 'application/json', JSON.stringify({ error: String(err) }));
      }
    });
  };
}
