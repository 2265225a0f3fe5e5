// What `docker login` with an ECR token (`aws ecr get-login-password | docker login`) leaves in Docker's `auths`,
// for tests of what the helper and doctor make of such a login once it is old.

/** base64("AWS:" + password), where the password is base64 of the JSON ECR puts in a token, with `expiration`. */
export function storedEcrLogin(expiresAtSeconds: number): { auth: string; password: string } {
  const password = Buffer.from(
    JSON.stringify({
      payload: 'opaque',
      datakey: 'opaque',
      version: '2',
      type: 'DATA_KEY',
      expiration: expiresAtSeconds,
    }),
  ).toString('base64');
  return { auth: Buffer.from(`AWS:${password}`).toString('base64'), password };
}
