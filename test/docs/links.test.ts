// Every relative link in the README and the docs leads somewhere: the file exists, and a #fragment names a heading
// of that file (GitHub's anchors: lower case, punctuation dropped, spaces to hyphens). Pages moved from the README
// into docs/ kept their links, so this is where a wrong one shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const PAGES = [
  'README.md',
  'CONTRIBUTING.md',
  'SECURITY.md',
  'CHANGELOG.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** GitHub's anchor for a heading. */
export function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1])));
}

test('GitHub anchors as computed here', () => {
  assert.equal(
    anchor('Every ECR registry with one line: `"credsStore": "ecr"`'),
    'every-ecr-registry-with-one-line-credsstore-ecr',
  );
  assert.equal(
    anchor("Kubernetes: the kubelet's image credential provider"),
    'kubernetes-the-kubelets-image-credential-provider',
  );
});

for (const page of PAGES) {
  test(`${page}: every relative link and anchor resolves`, () => {
    const file = join(ROOT, page);
    const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
    const broken: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
      const [path, fragment] = target.split('#') as [string, string | undefined];
      const linked = path === '' ? file : resolve(dirname(file), path);
      if (!existsSync(linked)) broken.push(`${target} (no ${relative(ROOT, linked)})`);
      else if (fragment !== undefined && linked.endsWith('.md') && !anchorsOf(linked).has(fragment))
        broken.push(`${target} (no heading for #${fragment})`);
    }
    assert.deepEqual(broken, [], `${page} links to what is not there`);
  });
}
