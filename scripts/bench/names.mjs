// The bench's fixed names: the registry hosts it asks for, the rows that others are compared with, the static keys.
export const PRIVATE_HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
export const PUBLIC_HOST = 'public.ecr.aws';
export const PARALLEL = 32;
export const GO_MISS = 'Go docker-credential-ecr-login get, miss, HTTPS via proxy';
export const GO_HIT = 'Go docker-credential-ecr-login get, cache hit';
export const EMPTY = 'compiled floor: empty Bun executable';
export const MINIMAL_HIT = 'compiled floor: minimal hit, no checks';
export const GO_PARALLEL = `Go helper: ${PARALLEL} parallel cold gets`;
export const KEYS = { AWS_ACCESS_KEY_ID: 'AKIABENCHMARK0000001', AWS_SECRET_ACCESS_KEY: 'bench-secret-access-key' };
// What every successful get prints (the fake's tokens start so).
export const ANSWER = /"Secret":"fake-ecr/;
