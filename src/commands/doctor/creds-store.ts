// doctor's verdict on `"credsStore": "ecr"`: this helper answers every ECR registry, in any account and region,
// and hands every other registry to the store behind it (src/docker/creds-store.ts). One verdict for the set-up:
// ok when another store is there for Docker Hub and the rest, a warning when there is none (docker login to them
// fails, their pulls are anonymous: fine for an ECR-only machine), a failure when the store named is missing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { otherStore, runOtherStore, NO_STORE } from '../../docker/creds-store';
import { printable } from '../../platform/log';
import { HelperError } from '../../platform/errors';
import type { Env, Settings } from '../../platform/settings';
import type { Check } from '../command-io';

/** Runs the store's `list` (what `docker-credential-ecr list` merges): whether it works, and how many logins it holds. */
async function probe(
  path: string,
  env: Env,
  timeoutMs: number,
): Promise<{ ok: true; logins: number } | { ok: false; why: string }> {
  const sink = (): NodeJS.WritableStream & { text: () => string } => {
    let text = '';
    return {
      write: (chunk: Buffer | string) => ((text += chunk.toString()), true),
      text: () => text,
    } as unknown as NodeJS.WritableStream & { text: () => string };
  };
  const stderr = sink();
  const result = await runOtherStore(
    { path },
    'list',
    Buffer.from('unused'),
    { stdout: sink(), stderr, env },
    true,
    timeoutMs,
  );
  // Its stdout on failure is the store's error message (the protocol's), never a credential; one line of it.
  const firstLine = (text: string): string => printable(text.trim().split('\n')[0] ?? '').slice(0, 200);
  if (result.code === -1)
    return { ok: false, why: `\`list\` did not complete: ${firstLine(result.stdout.toString('utf8'))}` };
  if (result.code !== 0)
    return {
      ok: false,
      why: `\`list\` failed (exit ${result.code}): ${firstLine(result.stdout.toString('utf8') || stderr.text()) || 'no message'}`,
    };
  try {
    const parsed: unknown = JSON.parse(result.stdout.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return { ok: true, logins: Object.keys(parsed).length };
  } catch {
    // Below.
  }
  return { ok: false, why: '`list` did not answer a JSON object' };
}

/** pass's store directory, as pass finds it. */
function passStoreDir(settings: Settings, env: Env): string | undefined {
  return env.PASSWORD_STORE_DIR || (settings.home ? join(settings.home, '.password-store') : undefined);
}

/**
 * docker-credential-pass answers `list` ({}) and `get` (empty credentials) as if all were well when pass was never
 * set up, and fails only at `store`, that is at `docker login`; pass's own marker is the store's .gpg-id file.
 */
function passInitialised(settings: Settings, env: Env): boolean {
  const dir = passStoreDir(settings, env);
  return dir !== undefined && existsSync(join(dir, '.gpg-id'));
}

function passNotInitialised(settings: Settings, env: Env): { ok: false; why: string } {
  return {
    ok: false,
    why: `pass has no store at ${passStoreDir(settings, env) ?? '~/.password-store'} (no .gpg-id: \`pass init\` was never run)`,
  };
}

export async function credsStoreChecks(
  settings: Settings,
  env: Env,
  platform: NodeJS.Platform = process.platform,
  probeTimeoutMs = 10_000,
): Promise<Check[]> {
  const name = 'creds-store';
  const config = settings.helperConfigFile ?? '~/.config/docker-credential-ecr/config.json';
  let other;
  try {
    other = otherStore(settings, env, platform);
  } catch (error) {
    if (!(error instanceof HelperError)) throw error;
    // The helper-config line has already failed with the exact fix; this is the same problem, said once more as
    // what it costs here, not counted as a second failure.
    return [
      {
        name,
        status: 'warn',
        message: `credsStore "ecr": the store for other registries is unknown until ${config} can be read`,
        fix: 'fix the helper config as its own line above says',
      },
    ];
  }
  const ecr = 'credsStore "ecr": every ECR registry (any account and region, and ECR Public) goes to this helper';
  if (other.state === 'found') {
    const why =
      other.source === 'config'
        ? `named in ${config}`
        : 'this platform\'s usual store, as Docker would pick it; name another with "credsStore" in the helper config';
    const works =
      other.name === 'pass' && !passInitialised(settings, env)
        ? passNotInitialised(settings, env)
        : await probe(other.path, env, probeTimeoutMs);
    if (!works.ok) {
      return [
        {
          name,
          status: 'warn',
          message: `${ecr}; other registries go on to docker-credential-${other.name} at ${other.path} (${why}), but it does not work: ${works.why}; docker login to them will fail`,
          fix:
            other.name === 'pass'
              ? 'set up pass for your user: `gpg --quick-gen-key <you>` (if you have no key), then `pass init <key id>`'
              : `check docker-credential-${other.name} itself: \`docker-credential-${other.name} list\``,
        },
      ];
    }
    return [
      {
        name,
        status: 'ok',
        message: `${ecr}; other registries (Docker Hub, ghcr.io, ...) go on to docker-credential-${other.name} at ${other.path} (${why}), which holds ${works.logins} login${works.logins === 1 ? '' : 's'}`,
      },
    ];
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
      fix: other.why.includes(`"${NO_STORE}"`)
        ? `remove "credsStore": "${NO_STORE}" from ${config} once a store is installed`
        : `name one in ${config} ("credsStore": "pass", "secretservice", "osxkeychain", "wincred" or "desktop"), or install Debian's golang-docker-credential-helpers and pass`,
    },
  ];
}
