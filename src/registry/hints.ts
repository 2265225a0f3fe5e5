// Hosts we do not serve but that look like a mistyped ECR address: the classic mix-up of the private and the
// public registry, a missing `dkr.`, a region without its hyphens. We still answer "not found" (Docker then
// pulls anonymously), and say what was probably meant: "did you mean <host>", the host to copy.
import { knownRegions, parseServerUrl, registryForHost } from './host';

/** Edit distance (insertions, deletions, substitutions), for "did you mean". */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}

/** The known region a mistyped one most likely means (`useast-1`, `eu-west1`, `us-est-1`), if one is close. */
export function nearestRegion(typed: string): string | undefined {
  const value = typed.toLowerCase();
  const regions = knownRegions();
  if (regions.includes(value)) return undefined;
  // Hyphens are what people drop or add: compare without them first.
  const bare = value.replace(/-/g, '');
  const sameLetters = regions.find((r) => r.replace(/-/g, '') === bare);
  if (sameLetters) return sameLetters;
  let best: { region: string; d: number } | undefined;
  for (const region of regions) {
    const d = editDistance(value, region);
    if (!best || d < best.d) best = { region, d };
  }
  return best && best.d <= 2 ? best.region : undefined;
}

const PRIVATE_FORMS =
  'expected <account>.dkr.ecr.<region>.amazonaws.com (or .amazonaws.com.cn, FIPS dkr.ecr-fips, dual-stack dkr-ecr.<region>.on.aws)';

/** A served host the typed one most likely means, or undefined. */
function didYouMean(host: string): string | undefined {
  if (
    /^(public\.ecr\.aws\.com|ecr\.public\.aws|public\.ecr\.amazonaws\.com|public\.ecr\.aws\.[a-z.]+|www\.public\.ecr\.aws|ecr-public\.aws|public-ecr\.aws|public\.ecr-aws\.com|publicecr\.aws)$/.test(
      host,
    )
  ) {
    return 'public.ecr.aws';
  }
  // <account>.ecr.<region>.amazonaws.com, <account>.dkr-ecr.<region>.amazonaws.com, <account>.dkrecr...: the service part mistyped.
  const loose =
    /^(\d{12})\.(?:[a-z-]*\.)?(?:dkr[.-]?)?ecr(-fips)?\.([a-z0-9-]+)\.(amazonaws\.com(?:\.cn)?|amazonaws\.eu)$/.exec(
      host,
    );
  if (loose) {
    const [, account, fips, region, domain] = loose as unknown as [string, string, string | undefined, string, string];
    const fixedRegion = registryForHost(`${account}.dkr.ecr.${region}.${domain}`)
      ? region
      : (nearestRegion(region) ?? region);
    const candidate = `${account}.dkr.ecr${fips ?? ''}.${fixedRegion}.${domain}`;
    if (candidate !== host && registryForHost(candidate) && knownRegions().includes(fixedRegion)) return candidate;
  }
  return undefined;
}

export function hintForUnservedHost(serverUrl: string): string | undefined {
  let host: string;
  try {
    host = parseServerUrl(serverUrl).host;
  } catch {
    return undefined;
  }
  // A host we do serve, refused for another reason (plain http): no look-alike to point out.
  if (registryForHost(host)) return undefined;
  const meant = didYouMean(host);
  if (meant) return `${host} is not an ECR address; did you mean ${meant}?`;
  if (/^\d{12}\.dkr\.ecr-public\./.test(host) || /^ecr-public\.[a-z0-9-]+\.amazonaws\.com$/.test(host)) {
    return `${host} is not an ECR address: ECR Public images are pulled from public.ecr.aws/<alias>/<repo>; private ones from <account>.dkr.ecr.<region>.amazonaws.com/<repo>`;
  }
  const privateish = /^(\d+)\.dkr[.-]ecr(-fips)?\.([a-z0-9-]+)\.(.+)$/.exec(host);
  if (privateish) {
    if (privateish[1].length !== 12)
      return `${host} is not an ECR address: the account ID must have 12 digits (it has ${privateish[1].length})`;
    const region = nearestRegion(privateish[3]);
    if (region) return `${host} is not an ECR address: ${privateish[3]} is not an AWS region; did you mean ${region}?`;
    return `${host} is not an ECR address: ${PRIVATE_FORMS}`;
  }
  if (/^[a-z0-9-]+\.public\.ecr\.aws$/.test(host)) {
    return `${host} is not an ECR address: the ECR Public registry host is exactly public.ecr.aws; did you mean public.ecr.aws?`;
  }
  if (/(^|\.)dkr\.ecr\./.test(host) && /amazonaws/.test(host)) {
    return `${host} is not an ECR address: a private registry host is <12-digit account>.dkr.ecr.<region>.amazonaws.com; ECR Public is public.ecr.aws`;
  }
  return undefined;
}
