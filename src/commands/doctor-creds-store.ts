// doctor's verdict on `"credsStore": "ecr"`: this helper answers every ECR registry, in any account and region,
// and hands every other registry to the store behind it (src/docker/creds-store.ts). One verdict for the set-up:
// ok when another store is there for Docker Hub and the rest, a warning when there is none (docker login to them
// fails, their pulls are anonymous: fine for an ECR-only machine), a failure when the store named is missing.
import { otherStore, NO_STORE } from '../docker/creds-store';
import { HelperError } from '../platform/errors';
import type { Env, Settings } from '../platform/settings';
import type { Check } from './command-io';

export function credsStoreChecks(settings: Settings, env: Env, platform: NodeJS.Platform = process.platform): Check[] {
  const name = 'creds-store';
  const config = settings.helperConfigFile ?? '~/.config/docker-credential-ecr/config.json';
  let other;
  try {
    other = otherStore(settings, env, platform);
  } catch (error) {
    if (!(error instanceof HelperError)) throw error;
    return [{ name, status: 'fail', message: `credsStore "ecr": the helper config cannot be read (${error.message}), so the store for other registries is unknown`, fix: `fix ${config} at the line named` }];
  }
  const ecr = 'credsStore "ecr": every ECR registry (any account and region, and ECR Public) goes to this helper';
  if (other.state === 'found') {
    const why = other.source === 'config' ? `named in ${config}` : "this platform's usual store, as Docker would pick it; name another with \"credsStore\" in the helper config";
    return [{ name, status: 'ok', message: `${ecr}; other registries (Docker Hub, ghcr.io, ...) go on to docker-credential-${other.name} at ${other.path} (${why})` }];
  }
  if (other.state === 'missing') {
    return [
      {
        name,
        status: 'fail',
        message: `${ecr}; other registries go to docker-credential-${other.name} (named in ${config}), which is not on PATH: docker login to them fails and their pulls are anonymous`,
        fix: `install docker-credential-${other.name}, or fix "credsStore" in ${config}`,
      },
    ];
  }
  return [
    {
      name,
      status: 'warn',
      message: `${ecr}; there is no store for other registries (${other.why}): docker login to Docker Hub or ghcr.io fails and their pulls are anonymous`,
      fix:
        other.why.includes(`"${NO_STORE}"`)
          ? `remove "credsStore": "${NO_STORE}" from ${config} once a store is installed`
          : `name one in ${config} ("credsStore": "pass", "secretservice", "osxkeychain", "wincred" or "desktop"), or install Debian's golang-docker-credential-helpers and pass`,
    },
  ];
}
