// The files the AWS SDK would read for us, handed to it instead. Left to itself the SDK reads the shared config and
// credentials files, the SSO token cache and a profile's web_identity_token_file with plain readFile: no bound
// (AWS_CONFIG_FILE=/dev/zero is read to gigabytes), no check of the file's type (a FIFO hangs the read until the
// timeout, which then reads as the network's fault). The SDK has a documented hook for exactly this, @smithy/core's
// externalDataInterceptor (interceptFile for the shared files, interceptToken for token files and the SSO cache),
// which it consults before every such read. So we read each file once, bounded and only if it is a regular file
// (platform/read-file.ts), and the SDK gets those very bytes: the ones the cache key was derived from, with no
// second read to race.
// SDK-side: loaded only with the SDK, on a fetch (a cache hit never loads it).
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { externalDataInterceptor, getHomeDir, getSSOTokenFilepath } from '@smithy/core/config';
import type { Identity } from '../identity/identity';
import { readFailure, readRegularText } from '../platform/read-file';

/** An SSO token is a few kilobytes of JSON. */
const MAX_SSO_TOKEN_BYTES = 1024 * 1024;

export const unreadableFile = (message: string): Error =>
  Object.assign(new Error(message), { name: 'UnreadableFileError' });

/**
 * The SDK's getConfigFilepath and getCredentialsFilepath, with and without its `~/` expansion (loadSharedConfigFiles
 * expands it; loadSsoSessionData, which reads the config file for sso-session sections, does not).
 */
function sdkDefaultPaths(kind: 'config' | 'credentials'): string[] {
  const path =
    (kind === 'config' ? process.env.AWS_CONFIG_FILE : process.env.AWS_SHARED_CREDENTIALS_FILE) ||
    join(getHomeDir(), '.aws', kind);
  return path.startsWith('~/') ? [join(getHomeDir(), path.slice(2)), path] : [path];
}

/**
 * Hands the SDK what `identity` was derived from. Throws an UnreadableFileError naming a file the SDK would read
 * that is not a regular file of sane size.
 */
export function handFilesToSdk(identity: Identity): void {
  const files = identity.sdkFiles;
  if (!files) return;
  // '' for a file that does not exist: parsed, it is no settings, as the SDK's own failed read would be. Under the
  // path we read, which fromIni is given, and under the SDK's own default path, where the clients' settings
  // (endpoint_url, retries) are looked up: it takes HOME from process.env, and we were handed an environment.
  for (const kind of ['config', 'credentials'] as const) {
    // No path at all (no home directory): the key saw no settings, and so does the SDK.
    const file = files.shared.find((f) => f.kind === kind) ?? { path: undefined, text: null };
    for (const path of [...(file.path !== undefined ? [file.path] : []), ...sdkDefaultPaths(kind)])
      externalDataInterceptor.interceptFile(path, file.text ?? '');
  }
  for (const [path, token] of Object.entries(files.profileTokens)) externalDataInterceptor.interceptToken(path, token);
  for (const id of files.ssoIds) {
    const path = getSSOTokenFilepath(id);
    let text: string;
    try {
      text = readRegularText(path, { maxBytes: MAX_SSO_TOKEN_BYTES, followSymlinks: true });
    } catch (error) {
      // Absent: the SDK's own read fails the same way, and says to run `aws sso login`.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw unreadableFile(`the SSO token cache file ${path} (of ${id}) cannot be read (${readFailure(error)})`);
    }
    let token: unknown;
    try {
      token = JSON.parse(text);
    } catch {
      throw unreadableFile(
        `the SSO token cache file ${path} (of ${id}) is not JSON; run \`aws sso login\` to write it again`,
      );
    }
    if (typeof token !== 'object' || token === null)
      throw unreadableFile(
        `the SSO token cache file ${path} (of ${id}) is not a JSON object; run \`aws sso login\` to write it again`,
      );
    externalDataInterceptor.interceptToken(id, token);
  }
  // `aws login` sessions: the SDK's login provider takes no intercepted token, so this is a check before its own
  // read (its path rule: credential-provider-login's getTokenFilePath). It stops a FIFO or a device left there by
  // mistake; only someone who can already write to the caller's ~/.aws could win the race between the two reads.
  for (const session of files.loginSessions ?? []) {
    const directory = process.env.AWS_LOGIN_CACHE_DIRECTORY ?? join(homedir(), '.aws', 'login', 'cache');
    const path = join(directory, `${createHash('sha256').update(session, 'utf8').digest('hex')}.json`);
    try {
      readRegularText(path, { maxBytes: MAX_SSO_TOKEN_BYTES, followSymlinks: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        throw unreadableFile(
          `the login token cache file ${path} (of login_session ${session}) cannot be read (${readFailure(error)})`,
        );
    }
  }
}
