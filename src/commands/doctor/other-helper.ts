// What Docker receives from a helper or store that is not this one: doctor runs it as Docker does (`get`, the host
// on stdin without a newline, the same environment) and judges the answer. Nothing it answers is printed but its
// shape: a credential is "a user name and a secret", at most with the expiry an ECR token carries in the clear.
import { spawn } from 'node:child_process';
import { NOT_FOUND_MESSAGE } from '../../platform/errors';
import { findOnPath } from '../../platform/executable-path';
import { printable } from '../../platform/log';
import type { Env } from '../../platform/settings';
import type { Check } from './result';

export type HelperAnswer =
  | { state: 'missing' }
  | { state: 'credentials'; ecrExpiry?: number }
  | { state: 'empty' }
  | { state: 'not-found' }
  | { state: 'failed'; code: number; said: string }
  | { state: 'timeout'; seconds: number };

const TIMEOUT_MS = 10_000;

/** The `expiration` (seconds) an ECR token carries: base64 of a JSON document, not encrypted. */
function ecrTokenExpiry(secret: string): number | undefined {
  try {
    const inner: unknown = JSON.parse(Buffer.from(secret, 'base64').toString('utf8'));
    const expiration = (inner as { expiration?: unknown }).expiration;
    return typeof expiration === 'number' ? expiration * 1000 : undefined;
  } catch {
    return undefined;
  }
}

function judge(code: number, stdout: string, stderr: string): HelperAnswer {
  if (code === 0) {
    try {
      const parsed = JSON.parse(stdout) as { Username?: unknown; Secret?: unknown };
      if (
        typeof parsed.Secret !== 'string' ||
        parsed.Secret === '' ||
        typeof parsed.Username !== 'string' ||
        parsed.Username === ''
      )
        return { state: 'empty' };
      const ecrExpiry = parsed.Username === 'AWS' ? ecrTokenExpiry(parsed.Secret) : undefined;
      return ecrExpiry === undefined ? { state: 'credentials' } : { state: 'credentials', ecrExpiry };
    } catch {
      return { state: 'failed', code, said: 'an answer that is not JSON' };
    }
  }
  // The protocol's "nothing here": the docker CLI goes on anonymously. Any other stdout on failure is an error
  // message (never a credential); one line of it, made printable.
  if (stdout.trim() === NOT_FOUND_MESSAGE) return { state: 'not-found' };
  const said = printable((stdout.trim() || stderr.trim()).split('\n')[0] ?? '').slice(0, 200);
  return { state: 'failed', code, said: said || 'no message' };
}

/** Runs `docker-credential-<name> get` for `host` as Docker would, in a session of its own (no terminal to prompt on). */
export async function askHelper(
  name: string,
  host: string,
  path: string,
  env: Env,
): Promise<HelperAnswer & { where?: string }> {
  const where = findOnPath(path, `docker-credential-${name}`);
  if (!where) return { state: 'missing' };
  const answer = await new Promise<HelperAnswer>((done) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const child = spawn(where, ['get'], {
      env: env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      windowsHide: true,
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      child.stdout.destroy();
      child.stderr.destroy();
      done({ state: 'timeout', seconds: TIMEOUT_MS / 1000 });
    }, TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.length < 16 && err.push(chunk));
    child.stdin.on('error', () => undefined);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      done({ state: 'failed', code: -1, said: error.code ?? 'could not be started' });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done(judge(code ?? (signal ? 1 : 0), Buffer.concat(out).toString('utf8'), Buffer.concat(err).toString('utf8')));
    });
    child.stdin.end(host);
  });
  return { ...answer, where };
}

const GO_HELPER_LOG = 'its log, ~/.ecr/log/ecr-login.log, says why';

/**
 * The route line for a credHelpers entry naming another helper, from its answer. It answering is a working
 * set-up (a warning: the token check below is this helper's); it giving nothing is a failure naming it.
 * `storedLogin`: auths holds a token for the host, which the docker CLI sends when the helper gives nothing.
 */
export function otherHelperCheck(
  host: string,
  helper: string,
  answer: HelperAnswer & { where?: string },
  storedLogin: boolean,
  now: number,
  fix: string,
): Check {
  const name = `route:${host}`;
  const other = `docker-credential-${printable(helper)}`;
  if (answer.state === 'missing') {
    return {
      name,
      status: 'fail',
      message: `${host}: credHelpers sends it to ${other}, which is not on PATH, so Docker's pulls fail ("${other}: executable file not found in $PATH")`,
      fix,
    };
  }
  const at = `${other} (${printable(answer.where ?? '')})`;
  const then = storedLogin
    ? 'Docker then sends the token docker login stored in auths, and the pull fails with "denied: Your authorization token has expired. Reauthenticate and try again." once that expired'
    : 'Docker then pulls anonymously, and the pull fails with "no basic auth credentials"';
  const why = helper === 'ecr-login' ? ` (${GO_HELPER_LOG})` : '';
  if (answer.state === 'credentials') {
    if (answer.ecrExpiry !== undefined && answer.ecrExpiry <= now) {
      return {
        name,
        status: 'fail',
        message: `${host}: credHelpers sends it to ${at}, which answers Docker with an ECR token that has expired: pulls fail with "denied: Your authorization token has expired"`,
        fix,
      };
    }
    const until =
      answer.ecrExpiry !== undefined
        ? ` (asked now: it gave a token valid until ${new Date(answer.ecrExpiry).toISOString().replace(/\.\d{3}Z$/, 'Z')})`
        : ' (asked now: it gave a user name and a secret)';
    return {
      name,
      status: 'warn',
      message: `${host}: credHelpers sends it to ${at}, which answers Docker for it, not this helper${until}; the token check below is this helper's`,
      fix: `to switch to this helper: ${fix}`,
    };
  }
  const gave =
    answer.state === 'not-found'
      ? `gives nothing for it ("${NOT_FOUND_MESSAGE}")${why}`
      : answer.state === 'empty'
        ? 'answers with an empty user name or secret'
        : answer.state === 'timeout'
          ? `did not answer within ${answer.seconds} s`
          : `failed for it (exit ${answer.code}: ${answer.said})${why}`;
  return {
    name,
    status: 'fail',
    message: `${host}: credHelpers sends it to ${at}, which ${gave} when asked now as Docker asks; ${then}`,
    fix,
  };
}

/** What a credsStore that is not this helper gives for an ECR host, as a clause of its route line. */
export function otherStoreAnswer(store: string, answer: HelperAnswer, now: number): string {
  switch (answer.state) {
    case 'missing':
      return `; docker-credential-${printable(store)} is not on PATH, so Docker's pulls fail`;
    case 'credentials':
      return answer.ecrExpiry === undefined
        ? '; asked now, it gives a user name and a secret'
        : `; asked now, it gives an ECR token that ${answer.ecrExpiry <= now ? 'has expired' : 'expires'} ${new Date(answer.ecrExpiry).toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
    case 'not-found':
    case 'empty':
      return '; asked now, it gives nothing for it, so Docker pulls anonymously ("no basic auth credentials")';
    case 'timeout':
      return `; asked now, it did not answer within ${answer.seconds} s`;
    default:
      return `; asked now, it failed (exit ${answer.code}: ${answer.said})`;
  }
}

/** The route line when Docker's docker-credential-ecr is another executable than this one: what it gives, run now. */
export function samePathAnswer(name: string, sends: string, answer: HelperAnswer & { where?: string }): Check {
  const at = `the docker-credential-ecr Docker runs (${printable(answer.where ?? 'PATH')}, not this executable)`;
  if (answer.state === 'credentials') return { name, status: 'ok', message: `${sends}; ${at} answers it` };
  const gave =
    answer.state === 'not-found' || answer.state === 'empty'
      ? 'gives nothing for it'
      : answer.state === 'timeout'
        ? `did not answer within ${answer.seconds} s`
        : answer.state === 'missing'
          ? 'is not on PATH'
          : `failed for it (exit ${answer.code}: ${answer.said})`;
  return {
    name,
    status: 'fail',
    message: `${sends}, but ${at} ${gave}: the checks below are this executable's, not what Docker gets`,
    fix: 'put this executable first on PATH (the fix on the PATH line)',
  };
}
