// STS: AssumeRole (with MFA when the role requires it), AssumeRoleWithWebIdentity (after the role's trust
// policy) and GetCallerIdentity, answered in the call's protocol: awsQuery XML, or AWS JSON 1.0 for a future
// SDK that switches. Every key issued is registered with principals.ts.
import type * as http from 'node:http';
import type { Clock } from './clock';
import { DEFAULT_STS_LIFETIME_SECONDS, OVERSIZED_BYTES, STS_XML_NAMESPACE, type Service } from './constants';
import type { Fault } from './faults';
import type { MfaRules } from './mfa';
import { randomSecret, roleSession, type Principals } from './principals';
import type { AssumedRole, FakeCall, RecordedCalls } from './recorded-calls';
import { isoSeconds, jsonContentType, requestId, xmlFields, type Responder } from './responses';
import type { WebIdentityTrusts } from './web-identity-trust';

export interface StsDeps {
  account: string;
  clock: Clock;
  recorded: RecordedCalls;
  principals: Principals;
  /** setTokenLifetime()'s lifetimes; 'sts' overrides DurationSeconds. */
  lifetimes: ReadonlyMap<Service, number>;
  trusts: WebIdentityTrusts;
  mfa: MfaRules;
  responder: Responder;
}

type RoleExtra = Pick<AssumedRole, 'subject' | 'audience' | 'issuer' | 'mfaSerialNumber'>;

/** RoleSessionName's constraints, with STS's ValidationError wording; undefined when valid. */
function sessionNameProblem(name: string): string | undefined {
  const at = `Value '${name}' at 'roleSessionName' failed to satisfy constraint: Member must`;
  if (name.length < 2) return `1 validation error detected: ${at} have length greater than or equal to 2`;
  if (name.length > 64) return `1 validation error detected: ${at} have length less than or equal to 64`;
  if (!/^[\w+=,.@-]*$/.test(name))
    return `1 validation error detected: ${at} satisfy regular expression pattern: [\\w+=,.@-]*`;
  return undefined;
}

export function createSts(deps: StsDeps): (res: http.ServerResponse, call: FakeCall, fault: Fault | undefined) => void {
  const { account, clock, recorded, principals, responder } = deps;
  const { send, sendError } = responder;
  let roleCounter = 0;

  function assumeRole(call: FakeCall, extra: RoleExtra = {}): AssumedRole {
    const n = ++roleCounter;
    const roleArn = String(call.body.RoleArn ?? `arn:aws:iam::${account}:role/unnamed`);
    const roleSessionName = String(call.body.RoleSessionName ?? 'session');
    const session = roleSession(roleArn, roleSessionName, account);
    const durationParam = Number(call.body.DurationSeconds);
    const lifetime = deps.lifetimes.get('sts') ?? (durationParam > 0 ? durationParam : DEFAULT_STS_LIFETIME_SECONDS);
    // 20 characters like a real ASIA key: 'ASIAFAKEROLE' + 8 digits.
    const accessKeyId = `ASIAFAKEROLE${String(n).padStart(8, '0')}`;
    const action = call.action === 'AssumeRoleWithWebIdentity' ? 'AssumeRoleWithWebIdentity' : 'AssumeRole';
    const defined = Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined));
    const role: AssumedRole = {
      action,
      roleArn,
      roleSessionName,
      ...(typeof call.body.ExternalId === 'string' ? { externalId: call.body.ExternalId } : {}),
      ...(call.accessKeyId ? { callerAccessKeyId: call.accessKeyId } : {}),
      accessKeyId,
      secretAccessKey: randomSecret(40),
      sessionToken: `FwoGZXIvYXdzEFAKE${n}${randomSecret(120)}`,
      expiration: new Date(clock.now() + lifetime * 1000),
      arn: session.arn,
      ...defined,
      at: Date.now(),
    };
    principals.add({
      accessKeyId,
      source: action,
      roleArn,
      roleSessionName,
      ...session,
      ...(extra.subject !== undefined ? { subject: extra.subject } : {}),
      ...(role.callerAccessKeyId !== undefined ? { callerAccessKeyId: role.callerAccessKeyId } : {}),
      ...(extra.mfaSerialNumber !== undefined ? { mfaSerialNumber: extra.mfaSerialNumber } : {}),
    });
    recorded.assumedRoles.push(role);
    return role;
  }

  return function answerSts(res, call, fault) {
    const query = call.protocol === 'query';
    const action = call.action;
    if (action !== 'AssumeRole' && action !== 'AssumeRoleWithWebIdentity' && action !== 'GetCallerIdentity') {
      sendError(res, call, {
        status: 400,
        code: 'InvalidAction',
        message: `fake-aws does not implement ${action}`,
        type: 'Sender',
      });
      return;
    }
    const reply = (resultXml: string, resultJson: Record<string, unknown>): void => {
      if (query) {
        const xml =
          `<${action}Response xmlns="${STS_XML_NAMESPACE}"><${action}Result>${resultXml}</${action}Result>` +
          `<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></${action}Response>`;
        send(res, 200, 'text/xml', xml);
      } else {
        send(res, 200, jsonContentType('sts'), JSON.stringify(resultJson));
      }
    };
    if (fault === 'malformed') {
      if (query)
        return send(res, 200, 'text/xml', `<${action}Response xmlns="${STS_XML_NAMESPACE}"><${action}Result><Cred`);
      return send(res, 200, jsonContentType('sts'), '{"Credentials":{"AccessKeyId":"ASIA');
    }
    if (fault === 'empty') return reply('', {});
    if (action === 'GetCallerIdentity') {
      const who = principals.callerIdentity(call.accessKeyId);
      const fields = { Arn: who.arn, UserId: who.userId, Account: who.account };
      return reply(xmlFields(fields), fields);
    }
    const sessionProblem = sessionNameProblem(String(call.body.RoleSessionName ?? ''));
    if (sessionProblem) {
      if (action === 'AssumeRoleWithWebIdentity') {
        recorded.webIdentityCalls.push({
          roleArn: String(call.body.RoleArn ?? ''),
          roleSessionName: String(call.body.RoleSessionName ?? ''),
          outcome: 'ValidationError',
          at: Date.now(),
        });
      }
      return sendError(res, call, { status: 400, code: 'ValidationError', message: sessionProblem, type: 'Sender' });
    }
    let role: AssumedRole;
    if (action === 'AssumeRoleWithWebIdentity') {
      const verdict = deps.trusts.check(call);
      if ('error' in verdict) return sendError(res, call, verdict.error);
      role = assumeRole(call, verdict);
      recorded.webIdentityCalls.at(-1)!.accessKeyId = role.accessKeyId;
    } else {
      const refusal = deps.mfa.check(call);
      if (refusal) return sendError(res, call, refusal);
      role = assumeRole(
        call,
        deps.mfa.has(String(call.body.RoleArn ?? '')) ? { mfaSerialNumber: String(call.body.SerialNumber) } : {},
      );
    }
    if (fault === 'oversized') role.sessionToken += 'x'.repeat(OVERSIZED_BYTES);
    const creds = {
      AccessKeyId: role.accessKeyId,
      SecretAccessKey: role.secretAccessKey,
      SessionToken: role.sessionToken,
    };
    const user = { Arn: role.arn, AssumedRoleId: principals.get(role.accessKeyId)?.userId ?? '' };
    const webIdentity =
      action === 'AssumeRoleWithWebIdentity'
        ? { SubjectFromWebIdentityToken: role.subject, Audience: role.audience, Provider: role.issuer }
        : {};
    reply(
      `<Credentials>${xmlFields({ ...creds, Expiration: isoSeconds(role.expiration) })}</Credentials>` +
        `${xmlFields({ SubjectFromWebIdentityToken: webIdentity.SubjectFromWebIdentityToken })}` +
        `<AssumedRoleUser>${xmlFields(user)}</AssumedRoleUser>${xmlFields({ Provider: webIdentity.Provider, Audience: webIdentity.Audience })}`,
      {
        Credentials: { ...creds, Expiration: role.expiration.getTime() / 1000 },
        AssumedRoleUser: user,
        ...webIdentity,
      },
    );
  };
}
