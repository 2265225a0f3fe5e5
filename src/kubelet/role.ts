// Which IAM role a pod's service account pulls as. Pure: no I/O, no AWS.
//
// Order: AWS's own plugin reads ecr-role-arn, then AWS_ECR_ROLE_ARN; users ask for IRSA's role-arn as well
// (cloud-provider-aws #1264), so it sits between them: an ECR-specific choice beats the pod's general role, and
// either beats a node-wide default.
import { KubeletRequestError } from './request';

export const ECR_ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/ecr-role-arn';
export const IRSA_ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/role-arn';
export const ECR_ROLE_ARN_ENV = 'AWS_ECR_ROLE_ARN';

export interface RoleChoice {
  roleArn: string;
  /** Where the ARN came from, for messages: `annotation <key>` or `environment AWS_ECR_ROLE_ARN`. */
  source: string;
}

// arn:<partition>:iam::<account>:role/<optional path/><name>: IAM's own limits (path characters
// U+0021-U+007E, names of [\w+=,.@-] up to 64). A malformed ARN would only fail later, as a less clear STS error.
const ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/(?:[\x21-\x2e\x30-\x7e]+\/)*[\w+=,.@-]{1,64}$/;
const MAX_ARN_LENGTH = 2048;

export function roleForServiceAccount(
  annotations: Record<string, string>,
  env: Record<string, string | undefined>,
): RoleChoice | undefined {
  for (const key of [ECR_ROLE_ARN_ANNOTATION, IRSA_ROLE_ARN_ANNOTATION]) {
    // Own properties only: an inherited "constructor" or a polluted prototype is not an annotation.
    const value = Object.hasOwn(annotations, key) ? annotations[key] : undefined;
    const choice = choose(value, `annotation ${key}`, `service-account annotation ${key}`);
    if (choice) return choice;
  }
  return choose(env[ECR_ROLE_ARN_ENV], `environment ${ECR_ROLE_ARN_ENV}`, `environment variable ${ECR_ROLE_ARN_ENV}`);
}

/**
 * Empty or blank means unset, so a blank annotation falls through to the next source; surrounding whitespace
 * (a YAML block scalar's newline) is dropped. The value is never quoted in the error: it names only the key.
 */
function choose(value: string | undefined, source: string, described: string): RoleChoice | undefined {
  if (value === undefined) return undefined;
  const roleArn = value.trim();
  if (roleArn === '') return undefined;
  if (roleArn.length > MAX_ARN_LENGTH || !ROLE_ARN.test(roleArn)) {
    throw new KubeletRequestError(
      `${described} is not an IAM role ARN (arn:<partition>:iam::<12-digit account>:role/<name>)`,
    );
  }
  return { roleArn, source };
}
