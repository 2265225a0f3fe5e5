// The memo tests' common steps (test/e2e/hit-memo*.test.ts): a home of its own, a memo written by a hit, its answer
// marked so that an answer from it shows.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runExecutable, type ExeResult } from './executable';
import { helperEnv } from './helper-bin';
import { tempDir } from './temp';

export const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
export const MARK = 'answered-from-the-memo.example';

export interface Setup {
  home: string;
  env: Record<string, string>;
  cache: string;
}

export function setupWith(fakeUrl: string, extra: Record<string, string> = {}): Setup {
  const home = tempDir();
  return { home, env: { ...helperEnv(fakeUrl, home), ...extra }, cache: join(home, '.cache', 'docker-credential-ecr') };
}

export const get = (env: Record<string, string>, stdin = HOST): Promise<ExeResult> =>
  runExecutable(['get'], { stdin, env });
export const memoFiles = (cache: string): string[] => readdirSync(cache).filter((name) => name.endsWith('.hit'));

/** A miss, then a hit by the full path, which writes the memo; returns the memo's path and the hit's answer. */
export async function primed(s: Setup, stdin = HOST): Promise<{ memo: string; answer: string }> {
  const miss = await get(s.env, stdin);
  assert.equal(miss.code, 0, miss.stderr);
  const hit = await get(s.env, stdin);
  assert.equal(hit.code, 0, hit.stderr);
  const memos = memoFiles(s.cache);
  assert.equal(memos.length, 1, `one memo after a hit: ${memos.join(', ')}`);
  return { memo: join(s.cache, memos[0]), answer: hit.stdout };
}

/** Marks the memo's answer, so that an answer from the memo shows. */
export function mark(memo: string, field: 'serverUrl' | 'authKey' = 'serverUrl'): void {
  const value = JSON.parse(readFileSync(memo, 'utf8')) as { answer: Record<string, string> };
  value.answer[field] = MARK;
  writeFileSync(memo, JSON.stringify(value));
}

export const fromMemo = (r: ExeResult): boolean => r.stdout.includes(MARK);
