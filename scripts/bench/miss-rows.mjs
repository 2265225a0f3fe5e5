// Group 2: token fetches, every run a miss; the error without credentials; the aws CLI.
import { join } from 'node:path';
import { ANSWER, GO_MISS, PUBLIC_HOST } from './names.mjs';
import { shellCommand } from './shell-command.mjs';
import { awsVersion } from './tools.mjs';

export function missRows({ temp, exe, goHelper, aws, fake, env: { endpoint, viaProxy, goEnv, miss } }) {
  // Group 2: token fetches, every run a miss.
  const misses = [
    {
      name: 'get, miss (fake ECR endpoint)',
      command: shellCommand([exe, 'get'], { env: { ...endpoint, ...miss } }),
      expect: ANSWER,
      note: 'AWS_ECR_DISABLE_CACHE=1, AWS_ENDPOINT_URL_ECR=http://127.0.0.1',
      go: GO_MISS,
    },
    {
      name: 'get, miss, public (fake endpoint)',
      command: shellCommand([exe, 'get'], { env: { ...endpoint, ...miss }, input: PUBLIC_HOST }),
      expect: ANSWER,
      go: GO_MISS,
    },
    {
      name: 'get, miss, HTTPS via proxy',
      command: shellCommand([exe, 'get'], { env: { ...viaProxy, ...miss } }),
      expect: ANSWER,
      note: 'real AWS host name through HTTPS_PROXY (CONNECT + TLS), as the Go helper below',
      go: GO_MISS,
    },
    ...(goHelper
      ? [
          {
            name: 'Go docker-credential-ecr-login get, miss, HTTPS via proxy',
            command: shellCommand([goHelper, 'get'], { env: { ...goEnv, ...miss } }),
            expect: ANSWER,
            note: 'it has no endpoint override: HTTPS_PROXY + SSL_CERT_FILE',
          },
        ]
      : []),
  ];
  // No credentials at all, and an instance metadata service that never answers (a laptop, a CI runner).
  const noCredentials = {
    name: 'get, no credentials, metadata service silent',
    command: shellCommand([exe, 'get'], {
      env: {
        ...endpoint,
        ...miss,
        AWS_EC2_METADATA_DISABLED: '',
        AWS_EC2_METADATA_SERVICE_ENDPOINT: fake.blackHoleUrl,
        AWS_ACCESS_KEY_ID: '',
        AWS_SECRET_ACCESS_KEY: '',
        AWS_CONFIG_FILE: join(temp, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: join(temp, 'none'),
      },
    }),
    expectFailure: /no AWS credentials were found/,
    note: 'the clear error; target <= 2 s (the Go helper: 19 s)',
  };
  const slow = aws
    ? [
        {
          name: 'aws ecr get-login-password (fake endpoint)',
          command: shellCommand([
            aws,
            'ecr',
            'get-login-password',
            '--region',
            'us-east-1',
            '--endpoint-url',
            fake.url,
          ]),
          expect: /^fake-ecr/,
          note: awsVersion(aws),
          go: GO_MISS,
        },
      ]
    : [];

  return { misses, noCredentials, slow };
}
