// A real `pass` password store for docker-credential-pass (Debian's golang-docker-credential-helpers): a
// throwaway GnuPG key with no passphrase in a temporary GNUPGHOME, and a store initialised for it.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool } from './tools';

export interface PassStore {
  /** GNUPGHOME and PASSWORD_STORE_DIR: what docker-credential-pass (through pass and gpg) needs. */
  env: Record<string, string>;
  /** The entries docker-credential-pass keeps, as its own `list` reports them: server URL -> user. */
  list(): Record<string, string>;
  /** Stops the gpg-agent the key's use started. */
  close(): void;
}

export function makePassStore(dir: string): PassStore {
  const gpg = requireTool('gpg');
  const pass = requireTool('pass');
  const helper = requireTool('docker-credential-pass');
  const gnupgHome = join(dir, 'gnupg');
  mkdirSync(gnupgHome, { recursive: true, mode: 0o700 });
  const env = { GNUPGHOME: gnupgHome, PASSWORD_STORE_DIR: join(dir, 'password-store') };
  const run = (file: string, args: string[], input?: string): string =>
    execFileSync(file, args, {
      env: { PATH: process.env.PATH ?? '', HOME: dir, ...env },
      input: input ?? '',
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  run(gpg, [
    '--batch',
    '--passphrase',
    '',
    '--quick-gen-key',
    'docker-credential-ecr test <test@example.invalid>',
    'default',
    'default',
    'never',
  ]);
  const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(run(gpg, ['--batch', '--with-colons', '--list-keys']))?.[1];
  if (!fingerprint) throw new Error('gpg made no key');
  run(pass, ['init', fingerprint]);
  return {
    env,
    // No stdin: docker-credential-pass `list` never reads it, and may exit before a write to it (EPIPE).
    list: () => JSON.parse(run(helper, ['list'])) as Record<string, string>,
    close: () => {
      try {
        run('gpgconf', ['--kill', 'gpg-agent']);
      } catch {
        // No agent was started.
      }
    },
  };
}
