// The environment of every run: only what the row needs, nothing from the caller's (see scripts/bench.mjs).
import { KEYS } from './names.mjs';

/** The base environment and the pieces rows add to it: the fake's endpoint, its proxy (ours, the Go helper's), a miss. */
export function benchEnvironment(home, fake) {
  const baseEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...KEYS,
  };
  const endpoint = { AWS_ENDPOINT_URL_ECR: fake.url, AWS_ENDPOINT_URL_ECR_PUBLIC: fake.url };
  // HTTPS to the real host names through the fake's CONNECT proxy, which terminates TLS with its own CA.
  const viaProxy = { HTTPS_PROXY: fake.url, AWS_CA_BUNDLE: fake.caFile };
  const goEnv = { HTTPS_PROXY: fake.url, SSL_CERT_FILE: fake.caFile };
  const miss = { AWS_ECR_DISABLE_CACHE: '1' };
  return { baseEnv, endpoint, viaProxy, goEnv, miss };
}
