// `doctor IMAGE`: the registry's own answer for the image, up to the manifest, explained. Docker and containerd
// shorten these to "pull access denied ... may require 'docker login'" or "not found"; this says which it is: the
// image present (its digest), a tag not found, a repository not found (and whether it exists in another region),
// denied (the action, the resource, the repository policy), a pull-through-cache prefix (the rule and what a first
// pull needs). Nothing of the token is printed or logged.
import { createHash } from 'node:crypto';
import { knownRegions, type EcrRegistry } from '../../registry/host';
import type { Route } from '../../registry/routing';
import { getToken, resolve } from '../../tokens/service';
import type { RequestContext } from '../../tokens/context';
import { clientDepsFor } from '../../aws/client-deps';
import type { ImageRef } from './image';
import { explainAnswer, explainNetwork, type RegistryAnswer } from './pull-verdict';
import { getFollowing, MANIFEST_TYPES, registryClient } from './registry-client';
import type { Check } from './result';
import type { TokenFact } from './result';

function parseErrors(body: string): { code?: string; message?: string } {
  try {
    const first = (JSON.parse(body) as { errors?: Array<{ code?: unknown; message?: unknown }> }).errors?.[0];
    return {
      ...(typeof first?.code === 'string' ? { code: first.code } : {}),
      ...(typeof first?.message === 'string'
        ? { message: first.message.replace(/[^\x20-\x7e]/g, ' ').slice(0, 400) }
        : {}),
    };
  } catch {
    return {};
  }
}

/** The challenge's parameters: `Bearer realm="...",service="..."`. */
function challenge(header: string | undefined): { scheme: string; params: Record<string, string> } | undefined {
  if (!header) return undefined;
  const [scheme, ...rest] = header.split(' ');
  const params: Record<string, string> = {};
  for (const m of rest.join(' ').matchAll(/(\w+)="([^"]*)"/g)) params[m[1]] = m[2]!;
  return { scheme: scheme.toLowerCase(), params };
}

async function askRegistry(
  image: ImageRef,
  token: { username: string; password: string },
  deps: RequestContext,
): Promise<RegistryAnswer> {
  const client = registryClient(image.host, {
    env: deps.env,
    caBundle: deps.settings.caBundle,
    timeoutMs: Math.min(10_000, deps.settings.timeoutMs),
    log: deps.log,
  });
  const base = `https://${image.host}`;
  const basic = `Basic ${Buffer.from(`${token.username}:${token.password}`).toString('base64')}`;
  deps.log.secret(basic.slice(6));
  let auth = basic;
  const ping = await client.get(`${base}/v2/`, {});
  const asked = challenge(
    typeof ping.headers['www-authenticate'] === 'string' ? ping.headers['www-authenticate'] : undefined,
  );
  if (ping.status === 401 && asked?.scheme === 'bearer' && asked.params.realm) {
    // ECR Public: the token is exchanged for a bearer token at the realm, if the realm is the registry's own host.
    const realm = new URL(asked.params.realm);
    const scope = `repository:${image.repository}:pull`;
    realm.searchParams.set('scope', scope);
    if (asked.params.service) realm.searchParams.set('service', asked.params.service);
    const ours = realm.protocol === 'https:' && realm.hostname === image.host;
    const exchanged = await client.get(realm.href, ours ? { Authorization: basic } : {});
    const bearer = (() => {
      try {
        const parsed = JSON.parse(exchanged.body) as { token?: unknown; access_token?: unknown };
        return typeof parsed.token === 'string'
          ? parsed.token
          : typeof parsed.access_token === 'string'
            ? parsed.access_token
            : undefined;
      } catch {
        return undefined;
      }
    })();
    if (!bearer) return { status: exchanged.status, ...parseErrors(exchanged.body) };
    deps.log.secret(bearer);
    auth = `Bearer ${bearer}`;
  }
  const url = `${base}/v2/${image.repository}/manifests/${image.reference}`;
  const answer = await getFollowing(client, url, auth, { Accept: MANIFEST_TYPES });
  const digestHeader = answer.headers['docker-content-digest'];
  const digest =
    answer.status === 200
      ? typeof digestHeader === 'string'
        ? digestHeader
        : `sha256:${createHash('sha256').update(answer.body).digest('hex')}`
      : undefined;
  const mediaType =
    typeof answer.headers['content-type'] === 'string' ? answer.headers['content-type'].split(';')[0] : undefined;
  return {
    status: answer.status,
    ...parseErrors(answer.body),
    ...(digest ? { digest } : {}),
    ...(mediaType && answer.status === 200 ? { mediaType } : {}),
    ...(answer.redirectedTo ? { redirectedTo: answer.redirectedTo } : {}),
  };
}

/** The ECR API, for what the registry's answer leaves open; undefined for ECR Public or an MFA identity (a second code). */
async function apiFor(
  route: Route,
  deps: RequestContext,
  mfa: boolean,
): Promise<import('../../aws/registry-api').RegistryApi | undefined> {
  if (route.registry.kind !== 'ecr' || mfa) return undefined;
  const { registryApi } = await import('../../aws/registry-api');
  const { identity, endpointOverride } = resolve(route, deps.settings);
  return registryApi(route.registry, clientDepsFor(identity, endpointOverride, deps));
}

export async function imageCheck(
  image: ImageRef,
  route: Route,
  deps: RequestContext,
  fact: TokenFact | undefined,
): Promise<Check> {
  const name = `image:${image.input}`;
  const mfa = fact?.mfa ?? false;
  // An MFA identity is asked for one code per run: if that did not give a token, asking again would prompt again.
  if (mfa && fact?.fresh.state !== 'ok') {
    return {
      name,
      status: 'warn',
      message: `${image.input}: the registry was not asked: there is no token for ${image.host} from this run, and another would need another MFA code`,
    };
  }
  let token;
  try {
    token = await getToken(route, deps);
  } catch {
    return {
      name,
      status: 'fail',
      message: `${image.input}: the registry was not asked: there is no token for ${image.host} (see its token line above)`,
    };
  }
  let answer: RegistryAnswer;
  try {
    answer = await askRegistry(image, token, deps);
  } catch (error) {
    return explainNetwork(name, image, error, deps.env);
  }
  const api = answer.status === 200 ? undefined : await apiFor(route, deps, mfa);
  try {
    return await explainAnswer(name, image, answer, route.registry as EcrRegistry, api, knownRegions);
  } finally {
    api?.destroy();
  }
}
