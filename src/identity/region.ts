// The region the AWS configuration names, as the AWS CLI finds it: AWS_REGION, AWS_DEFAULT_REGION, then the
// profile's `region` line. `configure` needs it to name the caller's own registry.
import type { Settings } from '../platform/settings';
import type { SetupSettings } from '../platform/setup-settings';
import { readSharedConfig } from './shared-config';

export interface FoundRegion {
  region: string;
  /** Where it came from, for the person reading the output. */
  source: string;
}

/** The shape of an AWS region name; whether AWS has it is registry/host.ts's knownRegions(). */
export const REGION_NAME = /^[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}$/;

export function configuredRegion(settings: Settings, setup: SetupSettings): FoundRegion | undefined {
  if (setup.region && REGION_NAME.test(setup.region))
    return { region: setup.region, source: setup.regionSource ?? 'the environment' };
  const profile = settings.awsProfile ?? 'default';
  if (!settings.awsConfigFile) return undefined;
  const region = readSharedConfig(settings).profiles[profile]?.region;
  return region && REGION_NAME.test(region)
    ? { region, source: `profile ${profile} in ${settings.awsConfigFile}` }
    : undefined;
}
