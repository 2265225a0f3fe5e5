// A recorder filled as the full path fills it for one served token, and the reads it may journal: the memo tests'
// shared inputs (test/memo/).
import { HitMemoRecorder } from '../../src/memo/recorder';

export const DIR = '/home/u/.cache/docker-credential-ecr';
export const KEY = '0123456789abcdef0123456789abcdef';
export const NOW = 1_800_000_000_000;
export const OLD = NOW - 60_000;
export const read = (path: string, fingerprint: string | null = `1:2:3:${OLD}:${OLD}:33188`) => ({ path, fingerprint });
export const TOKEN = { username: 'AWS', password: 'secret', expiresAt: NOW + 3_600_000, fetchedAt: NOW - 60_000 };

export function recorded(): HitMemoRecorder {
  const r = new HitMemoRecorder();
  r.served(KEY, 'public.ecr.aws', TOKEN);
  r.answered({ kind: 'docker', serverUrl: 'public.ecr.aws' });
  return r;
}
