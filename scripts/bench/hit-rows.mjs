// Group 1: start-up and cache hits, ours beside the floors and the Go helper's.
import { join } from 'node:path';
import { ANSWER, EMPTY, GO_HIT, MINIMAL_HIT, PRIVATE_HOST, PUBLIC_HOST } from './names.mjs';
import { shellCommand } from './shell-command.mjs';

export function hitRows({ temp, bun, exe, goHelper, fake, env: { endpoint } }) {
  // Group 1: start-up and cache hits. The caches are seeded first (one get each).
  return [
    {
      name: 'runtime floor: bun empty.js',
      command: shellCommand([bun.path, join(temp, 'empty.js')]),
      note: `Bun ${bun.version}, the runtime the executable is made of`,
      go: GO_HIT,
    },
    {
      name: EMPTY,
      command: shellCommand([join(temp, 'empty-exe')]),
      note: 'an empty program compiled as ours is',
      go: GO_HIT,
    },
    {
      name: MINIMAL_HIT,
      command: shellCommand([join(temp, 'minimal-hit-exe')]),
      expect: ANSWER,
      note: 'read stdin, read one file, write; no checks at all (compiled as ours is)',
      go: GO_HIT,
    },
    {
      name: 'docker-credential-ecr version',
      command: shellCommand([exe, 'version']),
      expect: /docker-credential-ecr /,
      go: GO_HIT,
    },
    {
      name: 'get, cache hit, private',
      command: shellCommand([exe, 'get'], { env: endpoint }),
      expect: ANSWER,
      note: 'from the memo (the first hit after validation, a warm-up run, wrote it)',
      go: GO_HIT,
    },
    {
      name: 'get, cache hit, public',
      command: shellCommand([exe, 'get'], { env: endpoint, input: PUBLIC_HOST }),
      expect: ANSWER,
      go: GO_HIT,
    },
    {
      name: 'kubelet mode, cache hit',
      command: shellCommand([exe, 'kubelet-credential-provider'], {
        env: endpoint,
        input: JSON.stringify({
          kind: 'CredentialProviderRequest',
          apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
          image: `${PRIVATE_HOST}/app`,
        }),
      }),
      expect: /"password":"fake-ecr/,
      note: 'a CredentialProviderRequest on stdin, as the kubelet runs it',
      go: GO_HIT,
    },
    {
      name: 'get, cache hit, private, full path (no memo)',
      command: shellCommand([exe, 'get'], { env: { ...endpoint, DOCKER_CREDENTIAL_ECR_LOG: 'info' } }),
      expect: ANSWER,
      note: 'DOCKER_CREDENTIAL_ECR_LOG=info: a run that may log more than warnings neither writes nor uses a memo',
      go: GO_HIT,
    },
    {
      name: 'get, cache hit, private, AWS_CA_BUNDLE set',
      command: shellCommand([exe, 'get'], { env: { ...endpoint, AWS_CA_BUNDLE: fake.caFile } }),
      expect: ANSWER,
      go: `${GO_HIT}, AWS_CA_BUNDLE set`,
    },
    ...(goHelper
      ? [
          {
            name: GO_HIT,
            command: shellCommand([goHelper, 'get']),
            expect: ANSWER,
            note: 'clean environment: static keys, no proxy, no CA bundle',
          },
          {
            name: `${GO_HIT}, AWS_CA_BUNDLE set`,
            command: shellCommand([goHelper, 'get'], { env: { AWS_CA_BUNDLE: fake.caFile } }),
            expect: ANSWER,
            note: 'it parses the bundle on every start',
          },
        ]
      : []),
  ];
}
