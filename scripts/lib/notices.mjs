// THIRD-PARTY-NOTICES.txt: what ships inside the release artifacts that others wrote, under which licence, with
// the licence and notice files those authors ship. Two parts:
//   - the npm packages bundled into every executable and into the npm package: every production dependency in
//     package-lock.json (the same set the SBOM lists), each with its package.json licence and the text of its
//     LICENSE / NOTICE / COPYING files as installed in node_modules (npm ci has put them there);
//   - the Bun runtime embedded in each executable (not in the npm package): MIT, statically linking
//     JavaScriptCore and WebKit under the LGPL 2 and other libraries under the licences below, as Bun's own
//     licence file (LICENSE.md in Bun's repository, at the tag of the pinned version) lists them. The runtime's
//     npm package carries no licence file, so this summary is written here and checked when Bun is upgraded
//     (BUN_LICENSES.checkedFor must equal the pinned version, or the release stops).
// The SBOM's licence fields come from the same two sources (scripts/lib/sbom.mjs), and test/release/ checks that
// they agree with this file.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail, NEUTRALISED_ENV, root } from '../compile.mjs';

export const NOTICES = 'THIRD-PARTY-NOTICES.txt';

/** The Bun runtime's licensing, as Bun's LICENSE.md states it for the pinned version. */
export const BUN_LICENSES = {
  checkedFor: '1.4.5',
  /** SPDX expression for the SBOM: Bun itself and what it links statically. */
  expression:
    'MIT AND LGPL-2.0-or-later AND LGPL-2.1-or-later AND Apache-2.0 AND BSD-3-Clause AND BSD-2-Clause AND Zlib AND ISC AND OpenSSL AND Unicode-3.0',
  linked: [
    ['JavaScriptCore and WebCore (WebKit), patched by Oven', 'LGPL-2.0-or-later (parts BSD-2-Clause)'],
    ['boringssl', 'OpenSSL, ISC and others (BoringSSL LICENSE)'],
    ['brotli', 'MIT'],
    ['libarchive', 'BSD-2-Clause and others (libarchive COPYING)'],
    ['lol-html', 'BSD-3-Clause'],
    ['ls-hpack, ls-qpack, lsquic', 'MIT (lsquic: parts BSD-3-Clause, from Chromium)'],
    ['mimalloc', 'MIT'],
    ['picohttpparser', 'MIT (or the Perl licence)'],
    ['zstd', 'BSD-3-Clause (or GPL-2.0)'],
    ['simdutf', 'Apache-2.0'],
    ['tinycc', 'LGPL-2.1-or-later'],
    ['uSockets, uWebSockets (fork)', 'Apache-2.0'],
    ['zlib-ng', 'Zlib'],
    ['c-ares', 'MIT'],
    ['ICU', 'Unicode-3.0 (ICU licence)'],
    ['libbase64', 'BSD-2-Clause'],
    ['libuv (Windows builds)', 'MIT'],
    ['libdeflate', 'MIT'],
    ['libjpeg-turbo', 'BSD-3-Clause, IJG, Zlib'],
    ['libspng', 'BSD-2-Clause'],
    ['libwebp', 'BSD-3-Clause'],
    ['highway', 'Apache-2.0'],
    ['uucode', 'MIT'],
    ["TigerBeetle's I/O code (parts)", 'Apache-2.0'],
    ["LLVM libc++abi's __cxa_thread_atexit fallback", 'Apache-2.0 WITH LLVM-exception'],
    ['Node.js compatibility polyfills (assert, buffer, events, url, util and others from npm)', 'MIT'],
  ],
};

const MIT_TEXT = `Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated
documentation files (the "Software"), to deal in the Software without restriction, including without limitation
the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and
to permit persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions
of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO
THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF
CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS
IN THE SOFTWARE.`;

/** The production dependencies as package-lock.json lists them: [{ name, version, path, license }]. */
export function productionPackages(lockPath = join(root, 'package-lock.json')) {
  const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
  return Object.entries(lock.packages)
    .filter(([path, p]) => path.startsWith('node_modules/') && !p.dev && !path.includes('@oven/'))
    .map(([path, p]) => {
      const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
      const dir = join(root, path);
      if (!existsSync(join(dir, 'package.json')))
        fail(`${name}@${p.version} is in package-lock.json but not in node_modules: run \`npm ci\``);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      const license = typeof manifest.license === 'string' ? manifest.license : (manifest.license?.type ?? 'UNKNOWN');
      return {
        name,
        version: p.version,
        path: dir,
        license,
        author: typeof manifest.author === 'string' ? manifest.author : manifest.author?.name,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

const rule = (title) => `\n${'='.repeat(110)}\n${title}\n${'='.repeat(110)}\n`;

/** The text of THIRD-PARTY-NOTICES.txt for the pinned Bun version. */
export function thirdPartyNotices({ bunVersion }) {
  if (bunVersion !== BUN_LICENSES.checkedFor)
    fail(
      `Bun ${bunVersion}: scripts/lib/notices.mjs describes the licences of Bun ${BUN_LICENSES.checkedFor}; compare Bun's LICENSE.md at tag bun-v${bunVersion} and update BUN_LICENSES`,
    );
  const packages = productionPackages();
  const out = [
    'Third-party software in docker-credential-ecr',
    '',
    'docker-credential-ecr itself is under the Apache License 2.0 (LICENSE). What others wrote that ships with it:',
    `  1. the Bun ${bunVersion} runtime, embedded in every release executable (not in the npm package);`,
    `  2. ${packages.length} npm packages, bundled into every release executable and into the npm package.`,
  ];
  out.push(rule(`1. Bun ${bunVersion} (the runtime inside each executable)`));
  out.push(
    [
      `Bun (https://bun.com, source: https://github.com/oven-sh/bun at tag bun-v${bunVersion}) is under the MIT`,
      'licence, copyright Oven (oven.sh) and the Bun contributors:',
      '',
      MIT_TEXT,
      '',
      "Bun links statically the libraries below (as Bun's LICENSE.md lists them for this version):",
      '',
      ...BUN_LICENSES.linked.map(([what, licence]) => `  - ${what}: ${licence}`),
      '',
      'The LGPL parts (JavaScriptCore and WebCore from WebKit; tinycc). Under the GNU Lesser General Public License',
      'you may modify these libraries and relink Bun with them. Their source, as patched for Bun, is published by',
      "Oven: https://github.com/oven-sh/WebKit at the commit that Bun's source at tag bun-v" +
        bunVersion +
        ' names, and',
      "tinycc at the revision that the same source names; Bun's build (`bun run build:local` in its repository)",
      "compiles them, compiles Bun's bindings and links a new runtime. docker-credential-ecr embeds that runtime",
      `unmodified (only the names of ${NEUTRALISED_ENV.length} environment variables are blanked, see scripts/compile.mjs), so a`,
      "relinked runtime can be used to rebuild the executable from this project's source with",
      '`bun build --compile --compile-executable-path=<your runtime>` (scripts/compile.mjs). The texts of the',
      'LGPL 2.0 and 2.1: https://www.gnu.org/licenses/old-licenses/lgpl-2.0.txt and lgpl-2.1.txt.',
    ].join('\n'),
  );
  out.push(rule(`2. npm packages (${packages.length})`));
  for (const p of packages) {
    out.push(
      `\n--- ${p.name}@${p.version} (${p.license}) ${'-'.repeat(Math.max(0, 100 - p.name.length - p.version.length - p.license.length))}\n`,
    );
    const files = readdirSync(p.path)
      .filter((f) => /^(licen[cs]e|notice|copying)(\.(md|txt))?$/i.test(f))
      .sort();
    if (files.length === 0) {
      if (p.license === 'Apache-2.0')
        out.push('No licence file in the package; its package.json declares Apache-2.0, whose text is in LICENSE.');
      else if (p.license === 'MIT')
        out.push(
          `No licence file in the package; its package.json declares MIT${p.author ? `, author ${p.author}` : ''}:\n\n${MIT_TEXT}`,
        );
      else
        fail(
          `${p.name}@${p.version}: no licence file and licence ${p.license}; add its text to scripts/lib/notices.mjs`,
        );
      continue;
    }
    for (const f of files)
      out.push(
        `${files.length > 1 ? `[${f}]\n` : ''}${readFileSync(join(p.path, f), 'utf8').replace(/\r\n/g, '\n').trimEnd()}\n`,
      );
  }
  return `${out.join('\n')}\n`;
}
