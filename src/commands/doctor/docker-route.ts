// Docker's own lookup for a host: a credHelpers entry, else credsStore, else the login stored in `auths`; and the
// stored logins (Docker's and podman's) that stand in front of, or behind, this helper.
import {
  HELPER_NAME,
  parseDockerConfig,
  readConfigFile,
  type DockerConfigView,
  type StoredAuth,
} from '../../docker/config-file';
import { printable } from '../../platform/log';
import type { SetupSettings } from '../../platform/setup-settings';
import { parseServerUrl } from '../../registry/host';
import { otherHelperCheck, otherStoreAnswer, samePathAnswer, type HelperAnswer } from './other-helper';
import { age, configureFix, type Check, type DockerState } from './result';

export const EXPIRED_TOKEN_ERROR = '"denied: Your authorization token has expired. Reauthenticate and try again."';

/** Expiry of an ECR token stored by `docker login`: its password is base64 JSON with an `expiration` in seconds. */
function storedTokenExpiry(auth: string | undefined): number | undefined {
  if (!auth) return undefined;
  try {
    const decoded = Buffer.from(auth, 'base64').toString('utf8');
    if (!decoded.startsWith('AWS:')) return undefined;
    const inner: unknown = JSON.parse(Buffer.from(decoded.slice(4), 'base64').toString('utf8'));
    const expiration = (inner as { expiration?: unknown }).expiration;
    return typeof expiration === 'number' ? expiration * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** The `auths` entry that holds a stored credential for `host` (under any spelling of its address), if any. */
export function storedLogin(view: DockerConfigView, host: string): [string, StoredAuth] | undefined {
  return Object.entries(view.auths).find(([key, entry]) => {
    if (!entry.hasCredential) return false;
    try {
      return parseServerUrl(key).host === host;
    } catch {
      return false;
    }
  });
}

/** What Docker runs for `host`, as the config says. */
export type DockerRoute =
  | { kind: 'ours'; via: 'credHelpers' | 'credsStore' }
  | { kind: 'other-helper'; helper: string }
  | { kind: 'other-store'; store: string }
  | { kind: 'auths' | 'none' };

export function dockerRouteOf(view: DockerConfigView | undefined, host: string): DockerRoute {
  const helper = view?.credHelpers[host];
  if (helper === HELPER_NAME) return { kind: 'ours', via: 'credHelpers' };
  if (helper !== undefined) return { kind: 'other-helper', helper };
  if (view?.credsStore === HELPER_NAME) return { kind: 'ours', via: 'credsStore' };
  if (view?.credsStore) return { kind: 'other-store', store: view.credsStore };
  return { kind: view && storedLogin(view, host) ? 'auths' : 'none' };
}

/**
 * The route line. `answer`: what the helper or store Docker runs instead of this one gave when asked now
 * (other-helper.ts), for the other-helper and other-store routes.
 */
export function routeCheck(
  host: string,
  docker: DockerState | undefined,
  now: number,
  answer?: HelperAnswer & { where?: string },
): Check {
  const name = `route:${host}`;
  const route = dockerRouteOf(docker?.view, host);
  if (route.kind === 'ours') {
    const sends =
      route.via === 'credHelpers'
        ? `${host}: credHelpers sends it to docker-credential-ecr`
        : `${host}: credsStore "ecr" sends it to docker-credential-ecr`;
    // `answer` here: PATH's docker-credential-ecr is another executable (the path line), run as Docker runs it.
    return answer ? samePathAnswer(name, sends, answer) : { name, status: 'ok', message: sends };
  }
  if (route.kind === 'other-helper') {
    const stored = docker ? storedLogin(docker.view, host) !== undefined : false;
    return otherHelperCheck(host, route.helper, answer ?? { state: 'missing' }, stored, now, configureFix(host));
  }
  if (route.kind === 'other-store') {
    return {
      name,
      status: 'fail',
      message:
        `${host}: not in credHelpers, so credsStore "${printable(route.store)}" answers for it with the token docker login stored there, which expires after 12 hours (${EXPIRED_TOKEN_ERROR})` +
        (answer ? otherStoreAnswer(route.store, answer, now) : ''),
      fix: configureFix(host),
    };
  }
  return {
    name,
    status: 'fail',
    message: `${host}: not in credHelpers of ${docker ? printable(docker.path) : 'the Docker config'}, so Docker does not ask this helper`,
    fix: configureFix(host),
  };
}

/**
 * A token `docker login` stored in `auths`. Seen at the engine with docker CLI 28: when a helper fails, the CLI
 * falls back to the auths entry. `helperFailedNow`: this helper failed in this run, so that is what pulls show now.
 */
export function storedLoginCheck(
  host: string,
  docker: DockerState | undefined,
  now: number,
  helperFailedNow: boolean,
): Check | undefined {
  const view = docker?.view;
  const stored = view ? storedLogin(view, host) : undefined;
  if (!view || !stored) return undefined;
  const name = `stored-login:${host}`;
  const expiry = storedTokenExpiry(stored[1].auth);
  const when = expiry === undefined ? '' : age(expiry, now);
  const helper = view.credHelpers[host];
  if (helper !== undefined || view.credsStore === HELPER_NAME) {
    const failedNow = helperFailedNow && helper === HELPER_NAME;
    return {
      name,
      status: failedNow ? 'fail' : 'warn',
      message:
        `${host}: auths also holds a token docker login stored${when}; whenever the helper fails, Docker sends that token instead, ` +
        `and the pull fails with ${EXPIRED_TOKEN_ERROR} rather than the helper's own error` +
        (failedNow ? '; the helper failed just now (below), so this is the error your pulls show' : ''),
      fix: configureFix(host),
    };
  }
  if (view.credsStore)
    return {
      name,
      status: 'warn',
      message: `${host}: auths holds a token stored by docker login${when}`,
      fix: configureFix(host),
    };
  return {
    name,
    status: 'fail',
    message: `${host}: Docker uses the token docker login stored in auths${when}; ECR tokens last 12 hours, then pulls fail with ${EXPIRED_TOKEN_ERROR}`,
    fix: `${configureFix(host)} (it also removes the stored token)`,
  };
}

/**
 * podman, skopeo and buildah read their own auth file before ~/.docker/config.json, and in each file a
 * credHelpers entry before a stored login. `podman login -u AWS` to a host that only ~/.docker/config.json sends
 * to this helper stores the token there, so the helper is never asked again and pulls fail 12 hours later.
 */
export function containersLoginCheck(host: string, setup: SetupSettings): Check | undefined {
  if (!setup.containersAuthFile) return undefined;
  let view: DockerConfigView;
  try {
    const file = readConfigFile(setup.containersAuthFile);
    if (file.text === undefined) return undefined;
    view = parseDockerConfig(file.text, file.path);
  } catch {
    return undefined; // Not ours to judge: podman reports its own file's errors.
  }
  if (view.credHelpers[host] === HELPER_NAME) return undefined;
  if (!storedLogin(view, host)) return undefined;
  return {
    name: `containers-login:${host}`,
    status: 'warn',
    message: `${setup.containersAuthFile} holds a stored login for ${host} (from \`podman login\`): podman, skopeo and buildah use it instead of this helper, and it expires 12 hours after it was made`,
    // configure removes the stored login from every file it routes the host in (podman's too, with --containers).
    fix: `docker-credential-ecr configure --containers --registry ${host}`,
  };
}
