// doctor --kubelet: a provider's tokenAttributes, which turn on per-pod roles: the kubelet then hands us the pod's
// service-account token, and these settings decide whether it can, and whether STS will take it.
import { ROLE_ANNOTATIONS, STS_AUDIENCE } from '../kubelet-config';
import type { Check } from '../command-io';
import { isObject, shown, type Json } from './kubelet-files';

export function tokenAttributeChecks(id: string, provider: Json, apiVersion: string): Check[] {
  const name = `${id}:tokenAttributes`;
  const attributes = provider.tokenAttributes;
  if (attributes === undefined)
    return [
      {
        name,
        status: 'ok',
        message: 'no tokenAttributes: every image is pulled with the node identity (per-pod roles off)',
      },
    ];
  if (!isObject(attributes)) return [{ name, status: 'fail', message: 'tokenAttributes is not an object' }];
  const checks: Check[] = [];
  const fail = (message: string, fix?: string): void =>
    void checks.push({ name, status: 'fail', message, ...(fix ? { fix } : {}) });
  const warn = (message: string, fix?: string): void =>
    void checks.push({ name, status: 'warn', message, ...(fix ? { fix } : {}) });
  if (apiVersion !== 'credentialprovider.kubelet.k8s.io/v1')
    fail(
      `tokenAttributes need apiVersion credentialprovider.kubelet.k8s.io/v1 (the kubelet sends service-account tokens in v1 only)`,
    );
  if (attributes.serviceAccountTokenAudience === undefined)
    fail('tokenAttributes.serviceAccountTokenAudience is required', `serviceAccountTokenAudience: ${STS_AUDIENCE}`);
  else if (attributes.serviceAccountTokenAudience !== STS_AUDIENCE)
    warn(
      `serviceAccountTokenAudience ${JSON.stringify(attributes.serviceAccountTokenAudience)}: STS accepts it only if the cluster's OIDC provider in IAM lists it as a client ID (usually ${STS_AUDIENCE})`,
    );
  if (!['Token', 'ServiceAccount'].includes(String(attributes.cacheType)))
    fail(
      `tokenAttributes.cacheType ${JSON.stringify(attributes.cacheType)} must be ServiceAccount or Token (required since Kubernetes 1.34)`,
      'cacheType: ServiceAccount',
    );
  if (attributes.requireServiceAccount === true)
    warn(
      'requireServiceAccount: true: pulls without a pod (static pods, image GC) get no credentials from this provider',
    );
  const keys = [
    attributes.optionalServiceAccountAnnotationKeys,
    attributes.requiredServiceAccountAnnotationKeys,
  ].flatMap((list) => (Array.isArray(list) ? list.map(String) : []));
  if (!ROLE_ANNOTATIONS.some((key) => keys.includes(key)))
    warn(
      `no role annotation key listed (${ROLE_ANNOTATIONS.join(', ')}): the kubelet passes none, so only AWS_ECR_ROLE_ARN from the provider's env can name a role`,
      `optionalServiceAccountAnnotationKeys: ${JSON.stringify(ROLE_ANNOTATIONS)}`,
    );
  const required = Array.isArray(attributes.requiredServiceAccountAnnotationKeys)
    ? attributes.requiredServiceAccountAnnotationKeys.map(String)
    : [];
  if (required.some((key) => ROLE_ANNOTATIONS.includes(key)))
    warn(
      `${required.join(', ')} required: pods whose service account lacks it get no credentials at all (not even the node's)`,
    );
  if (checks.length === 0)
    checks.push({
      name,
      status: 'ok',
      message: `tokenAttributes: audience ${STS_AUDIENCE}, cacheType ${shown(attributes.cacheType)}, role from ${ROLE_ANNOTATIONS.filter((k) => keys.includes(k)).join(' or ')}`,
    });
  return checks;
}
