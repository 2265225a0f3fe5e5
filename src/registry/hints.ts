// Hosts we do not serve but that look like a mistyped ECR address: the classic mix-up of the private and the
// public registry. We still answer "not found" (Docker then pulls anonymously), and say what was probably meant.
import { parseServerUrl, registryForHost } from './host';

export function hintForUnservedHost(serverUrl: string): string | undefined {
  let host: string;
  try {
    host = parseServerUrl(serverUrl).host;
  } catch {
    return undefined;
  }
  // A host we do serve, refused for another reason (plain http): no look-alike to point out.
  if (registryForHost(host)) return undefined;
  if (/^\d{12}\.dkr\.ecr-public\./.test(host) || /^ecr-public\.[a-z0-9-]+\.amazonaws\.com$/.test(host) || /^(public\.ecr\.aws\.com|ecr\.public\.aws|public\.ecr\.amazonaws\.com)$/.test(host)) {
    return `${host} is not an ECR address: ECR Public images are pulled from public.ecr.aws/<alias>/<repo>; private ones from <account>.dkr.ecr.<region>.amazonaws.com/<repo>`;
  }
  const privateish = /^(\d+)\.dkr[.-]ecr(-fips)?\.([a-z0-9-]+)\.(.+)$/.exec(host);
  if (privateish) {
    if (privateish[1]!.length !== 12) return `${host} is not an ECR address: the account ID must have 12 digits (it has ${privateish[1]!.length})`;
    return `${host} is not an ECR address: expected <account>.dkr.ecr.<region>.amazonaws.com (or .amazonaws.com.cn, FIPS dkr.ecr-fips, dual-stack dkr-ecr.<region>.on.aws)`;
  }
  if (/^public\.ecr\.aws\./.test(host) || /^[a-z0-9-]+\.public\.ecr\.aws$/.test(host)) {
    return `${host} is not an ECR address: the ECR Public registry host is exactly public.ecr.aws`;
  }
  if (/(^|\.)dkr\.ecr\./.test(host) && /amazonaws/.test(host)) {
    return `${host} is not an ECR address: a private registry host is <12-digit account>.dkr.ecr.<region>.amazonaws.com; ECR Public is public.ecr.aws`;
  }
  return undefined;
}
