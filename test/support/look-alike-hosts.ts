// Hosts that look like ECR or ECR Public hosts and are not: mutations of real ones (suffixes, prefixes, a dot
// for a hyphen and back, other top-level domains, ECR Public's name in a private host, account IDs of the wrong
// length, mistyped regions), for the tests that such a host is never kept from another store.

/** Real hosts of every form: private (commercial, China, dual-stack), ECR Public and its dual-stack twin. */
export const REAL_HOSTS = [
  '123456789012.dkr.ecr.us-east-1.amazonaws.com',
  '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn',
  '123456789012.dkr-ecr.eu-west-1.on.aws',
  'public.ecr.aws',
  'ecr-public.aws.com',
];

/** The four the review (issue 25) found kept from the other store. */
export const REVIEWED_LOOK_ALIKES = [
  'public.ecr.aws.mirror.example.com',
  '123456789012.dkr.ecr.us-east-1.example.com',
  'public.ecr-aws.com',
  '123456789012.dkr.ecr-public.example.com',
];

/** Each single swap of one `.` for `-`, and of one `-` for `.`. */
function swaps(host: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < host.length; i++) {
    if (host[i] === '.') out.push(`${host.slice(0, i)}-${host.slice(i + 1)}`);
    if (host[i] === '-') out.push(`${host.slice(0, i)}.${host.slice(i + 1)}`);
  }
  return out;
}

/** The domain part a real host ends with, to be replaced by other top-level domains. */
const DOMAINS = ['amazonaws.com.cn', 'amazonaws.com', 'on.aws', 'ecr.aws', 'aws.com'];
const OTHER_TLDS = ['amazonaws.net', 'amazonaws.co', 'amazonaws.com.evil', 'example.com', 'aws.io', 'aws.dev'];

function mutations(host: string): string[] {
  const out = [
    `${host}.mirror.example.com`,
    `${host}.evil`,
    `${host}-mirror.example.com`,
    `www.${host}`,
    `evil-${host}`,
    `mirror.${host}`,
    ...swaps(host),
  ];
  const domain = DOMAINS.find((d) => host.endsWith(`.${d}`) || host === d);
  if (domain) for (const tld of OTHER_TLDS) out.push(`${host.slice(0, host.length - domain.length)}${tld}`);
  const account = /^(\d{12})\./.exec(host);
  if (account) out.push(host.replace(account[1], '12345678901'), host.replace(account[1], '1234567890123'));
  // (A region that only fits its partition's pattern, like us-est-1, is served: AWS adds regions.)
  if (host.includes('us-east-1')) out.push(host.replace('us-east-1', 'useast-1'));
  return out;
}

/** Every look-alike, each once, in a stable order. */
export function lookAlikeHosts(): string[] {
  const ecrPublicWithDigits = [
    '123456789012.dkr.ecr-public.us-east-1.amazonaws.com',
    '123456789012.dkr.ecr-public.example.com',
    '123456789012.ecr-public.aws.com',
    '210987654321.dkr.ecr-public.io',
  ];
  const all = [...REVIEWED_LOOK_ALIKES, ...ecrPublicWithDigits, ...REAL_HOSTS.flatMap(mutations)];
  return [...new Set(all)].filter((host) => !REAL_HOSTS.includes(host));
}
