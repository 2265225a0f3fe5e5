// configure's own private registry: the caller's account (from STS, or the profile's own lines when STS cannot or
// should not be asked) and region (--region, the environment or profile, the hosts already in the Docker config,
// or a question), or a note on why it cannot be named and how to add it by hand.
import type { SetupSettings } from '../platform/setup-settings';
import { configuredRegion, REGION_NAME } from '../identity/region';
import { selectIdentity } from '../identity/identity';
import { printable } from '../platform/log';
import { partitionOfRegion, registryDomain, registryForHost, type Partition } from '../registry/host';
import { nearestRegion } from '../registry/hints';
import { profileAccount } from './profile-account';
import { regionsInConfig, type ExistingConfig } from './ecr-helpers';
import type { CommandIo } from './command-io';

/** "; did you mean eu-west-1?" for a region name that is nearly one, else nothing. */
export function regionSuggestion(value: string): string {
  const near = nearestRegion(value);
  return near ? `; did you mean ${near}?` : '';
}

/** The registry domain for an account in `region`: the partition from the caller's ARN when known, else from the region's prefix. */
function privateHost(account: string, region: string, partition: Partition | undefined): string | undefined {
  const guessed: Partition = partition ?? partitionOfRegion(region) ?? 'aws';
  const host = `${account}.dkr.ecr.${region}.${registryDomain(guessed)}`;
  return registryForHost(host) ? host : undefined;
}

/** The caller's own private registry host (`regionOption`: --region), or a note on why it cannot be named and how to add it by hand. */
export async function ownRegistry(
  deps: CommandIo,
  setup: SetupSettings,
  regionOption: string | undefined,
  existing: ExistingConfig | undefined,
  say: (line: string) => void,
): Promise<string | undefined> {
  const identity = selectIdentity(deps.settings);
  let found = regionOption ? { region: regionOption, source: '--region' } : configuredRegion(deps.settings, setup);
  const addByHand = (account: string, region: string): string =>
    `add your private registry with \`docker-credential-ecr configure --registry ${account}.dkr.ecr.${region}.amazonaws.com\``;
  let account: string;
  let partition: Partition | undefined;
  let whoText: string;
  const named = identity.source === 'profile' ? profileAccount(deps.settings, identity.profile) : undefined;
  // A role behind an MFA code: its ARN names the account, and STS would ask for a code just to say so.
  const who = named?.mfa
    ? undefined
    : await (await import('../aws/caller-identity')).callerIdentity(identity, found?.region, deps);
  if (who?.ok) {
    account = who.account;
    partition = /^arn:([a-z-]+):/.exec(who.arn)?.[1] as Partition | undefined;
    whoText = `Your AWS identity is ${who.arn}`;
  } else {
    if (who && !named) {
      const { explainIdentityFailure } = await import('./identity-failure');
      const { cause, hint } = explainIdentityFailure(who.error, identity, deps.settings, deps.env);
      say(`Could not find your AWS account (STS GetCallerIdentity as ${identity.label}): ${cause}; ${hint}.`);
      say(`Adding only the public registries; ${addByHand('<account>', found?.region ?? '<region>')}.`);
      return undefined;
    }
    if (who) {
      // An expired SSO session still names its account: the registry can be routed now, and works after the login.
      const { explainIdentityFailure } = await import('./identity-failure');
      const { cause, hint } = explainIdentityFailure(who.error, identity, deps.settings, deps.env);
      say(`Could not ask STS who you are (as ${identity.label}): ${cause}; ${hint} before pulling.`);
    }
    account = named!.account;
    partition = named!.partition;
    whoText = `Profile ${named!.name} names account ${account} (${named!.from}${named!.mfa ? ', with MFA: STS not asked' : ''})`;
    if (!found && named!.region)
      found = {
        region: named!.region,
        source: `sso_region of profile ${named!.name}; pass --region if your registry is in another region`,
      };
  }
  // The hosts already in the Docker config tell the region (the account's own first): no question, no false warning.
  const inFile = !found && existing ? regionsInConfig(existing.view, account)[0] : undefined;
  if (inFile) found = { region: inFile.region, source: `${inFile.host} in ${printable(existing!.path)}` };
  if (!found && deps.ask) {
    const answer = (
      await deps.ask(`${whoText}. Which AWS region is your registry in (for example us-east-1; empty to skip)? `)
    )?.trim();
    if (answer && REGION_NAME.test(answer)) found = { region: answer, source: 'your answer' };
    else if (answer) say(`${printable(answer)} is not an AWS region name${regionSuggestion(answer)}`);
  }
  if (!found) {
    say(
      `${whoText} (account ${account}), but no AWS region is configured (--region, AWS_REGION, or region in your AWS profile).`,
    );
    say(
      `Adding only the public registries; ${addByHand(account, '<region>')}, or run configure again with --region REGION.`,
    );
    say('Until then, pulls from it fail with "no basic auth credentials".');
    return undefined;
  }
  const host = privateHost(account, found.region, partition);
  if (!host) {
    say(
      `Region ${found.region} (from ${found.source}) is not one your identity's partition (${partition ?? 'unknown'}) serves ECR in.`,
    );
    say(`Adding only the public registries; ${addByHand(account, '<region>')}.`);
    return undefined;
  }
  say(`${whoText}: adding your registry ${host} (region ${found.region} from ${found.source}).`);
  return host;
}
