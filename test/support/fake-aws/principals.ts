// Who is behind a key: every key the fake issues (AssumeRole, web identity, container credentials) maps back to
// its role, session and subject, so GetCallerIdentity can answer as AWS would and a test can attribute a later
// ECR call. Kept across reset(), because keys issued before it are still in clients' hands.
import { createHash, randomBytes } from 'node:crypto';

/** What the fake knows about a key it issued. */
export interface Principal {
  accessKeyId: string;
  source: 'AssumeRole' | 'AssumeRoleWithWebIdentity' | 'container';
  roleArn: string;
  roleSessionName: string;
  /** arn:aws:sts::<account>:assumed-role/<role>/<session>, as GetCallerIdentity answers. */
  arn: string;
  /** AROA...:<session>, as GetCallerIdentity answers. */
  userId: string;
  account: string;
  /** Web identity: the token's `sub` (e.g. system:serviceaccount:<ns>:<name>). */
  subject?: string;
  /** AssumeRole: the key that signed the call. */
  callerAccessKeyId?: string;
  mfaSerialNumber?: string;
}

export interface Principals {
  add(principal: Principal): void;
  get(accessKeyId: string | undefined): Principal | undefined;
  /** GetCallerIdentity's answer: the principal behind a key the fake issued, else an IAM user named after the key. */
  callerIdentity(accessKeyId: string | undefined): { arn: string; userId: string; account: string };
}

/** A stable uppercase id derived from seed, as AWS's AROA... and AIDA... ids look. */
export function upperId(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').toUpperCase().slice(0, length);
}

export function randomSecret(length: number): string {
  return randomBytes(length)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, 'x')
    .slice(0, length);
}

/** The account and the role's name (without its path) in a role ARN; the fallback account for an odd one. */
export function roleParts(roleArn: string, fallbackAccount: string): { account: string; name: string } {
  const m = roleArn.match(/^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/);
  return { account: m?.[1] ?? fallbackAccount, name: m?.[2] ?? 'unnamed' };
}

/** The principal of a role session: its assumed-role ARN and AROA user id. */
export function roleSession(
  roleArn: string,
  roleSessionName: string,
  fallbackAccount: string,
): Pick<Principal, 'arn' | 'userId' | 'account'> {
  const { account, name } = roleParts(roleArn, fallbackAccount);
  return {
    arn: `arn:aws:sts::${account}:assumed-role/${name}/${roleSessionName}`,
    userId: `AROAFAKE${upperId(roleArn, 13)}:${roleSessionName}`,
    account,
  };
}

export function createPrincipals(account: string): Principals {
  const byKey = new Map<string, Principal>();
  return {
    add: (principal) => void byKey.set(principal.accessKeyId, principal),
    get: (accessKeyId) => (accessKeyId === undefined ? undefined : byKey.get(accessKeyId)),
    callerIdentity(accessKeyId) {
      const known = accessKeyId ? byKey.get(accessKeyId) : undefined;
      if (known) return known;
      const key = accessKeyId ?? 'anonymous';
      return { arn: `arn:aws:iam::${account}:user/${key}`, userId: `AIDAFAKE${upperId(key, 13)}`, account };
    },
  };
}
