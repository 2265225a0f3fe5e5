// What a real client (docker CLI, skopeo) finds on PATH as docker-credential-<name>: the built executable
// itself, or a small shell wrapper around it for recording stdin and for the tests of the tests (a helper
// that misbehaves must make the real-client tests fail).
import { chmodSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { EXECUTABLE } from './executable';
import { shellQuote as quote } from './shell';

export interface RecordedCall {
  action: string;
  /** stdin exactly as the client sent it. */
  stdin: string;
}

function script(binDir: string, name: string, body: string): string {
  mkdirSync(binDir, { recursive: true });
  const file = join(binDir, `docker-credential-${name}`);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return binDir;
}

/** binDir/docker-credential-<name> -> the built executable, as an install would put it. Returns binDir. */
export function linkHelper(binDir: string, name = 'ecr'): string {
  mkdirSync(binDir, { recursive: true });
  symlinkSync(EXECUTABLE, join(binDir, `docker-credential-${name}`));
  return binDir;
}

/**
 * A wrapper that saves each call's stdin to logDir (one file per call, named so they sort in call order)
 * and then runs the built executable on exactly those bytes.
 */
export function recordingHelper(binDir: string, logDir: string, name = 'ecr'): string {
  mkdirSync(logDir, { recursive: true });
  return script(
    binDir,
    name,
    [`f=${quote(logDir)}/$(date +%s%N)-$$-"$1"`, 'cat > "$f"', `exec ${quote(EXECUTABLE)} "$@" < "$f"`].join('\n'),
  );
}

/** The calls recordingHelper saw, in order. */
export function recordedCalls(logDir: string): RecordedCall[] {
  return readdirSync(logDir)
    .sort()
    .map((file) => ({ action: file.replace(/^\d+-\d+-/, ''), stdin: readFileSync(join(logDir, file), 'latin1') }));
}

/** A wrapper that prints junk on stdout before or after the real executable's answer (e.g. a stray log line). */
export function junkHelper(binDir: string, where: 'before' | 'after', junk: string, name = 'ecr'): string {
  const run = `${quote(EXECUTABLE)} "$@"`;
  const echo = `printf '%s\\n' ${quote(junk)}`;
  return script(binDir, name, where === 'before' ? `${echo}\nexec ${run}` : `${run}\ncode=$?\n${echo}\nexit $code`);
}

/** A helper that answers `get` with fixed credentials (ServerURL echoed back) and ignores everything else. */
export function fixedAnswerHelper(binDir: string, username: string, secret: string, name = 'ecr'): string {
  return script(
    binDir,
    name,
    [
      'server=$(cat)',
      '[ "$1" = get ] || exit 0',
      // The server URLs in these tests are host names: nothing in them needs JSON escaping.
      `printf '{"ServerURL":"%s","Username":%s,"Secret":%s}\\n' "$server" ${quote(JSON.stringify(username))} ${quote(JSON.stringify(secret))}`,
    ].join('\n'),
  );
}

/** PATH with binDir first, so a client finds our docker-credential-* before anything installed. */
export function pathWith(binDir: string): string {
  return [binDir, process.env.PATH ?? ''].join(delimiter);
}

/** The helper's environment against the fake AWS (as test/e2e/get.test.ts's env()): static keys, no IMDS. */
export function helperEnv(fakeUrl: string, home: string): Record<string, string> {
  return {
    HOME: home,
    AWS_ACCESS_KEY_ID: 'AKIAE2ETESTKEY000001',
    AWS_SECRET_ACCESS_KEY: 'e2e-secret-access-key-do-not-print',
    AWS_ENDPOINT_URL_ECR: fakeUrl,
    AWS_ENDPOINT_URL_ECR_PUBLIC: fakeUrl,
    AWS_ENDPOINT_URL_STS: fakeUrl,
    AWS_EC2_METADATA_DISABLED: 'true',
    // No stray profile or credentials file of the machine's may change which identity signs.
    AWS_CONFIG_FILE: join(home, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-aws-credentials'),
    DOCKER_CREDENTIAL_ECR_TIMEOUT_MS: '4000',
  };
}
