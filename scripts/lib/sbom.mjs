// The release's CycloneDX SBOM: `npm sbom --omit dev` (the production dependencies, all of which the bundle in
// the executables and in the npm package is built from; it reads node_modules and package-lock.json, no
// network), with two corrections and one addition:
//   - metadata.component is the helper (npm names it after the checkout's directory, types it a library and
//     marks it private, which describes the repository rather than what is released);
//   - the pinned Bun runtimes embedded in the executables are listed as components, with the SHA-512 of the
//     npm tarball each came from and the release file that embeds it;
//   - the bundler (Bun) is listed among the tools.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fail, root } from '../compile.mjs';
import { npm } from './npm-registry.mjs';
import { BUN_LICENSES } from './notices.mjs';

const hex = (integrity) => Buffer.from(integrity.replace(/^sha512-/, ''), 'base64').toString('hex');
const purl = (name, version) => `pkg:npm/${name.replace(/^@/, '%40')}@${version}`;

/** runtimes: [{ name, version, integrity, embeddedIn }]; returns the number of components. */
export async function writeSbom({ out, pkg, bun, runtimes }) {
  const raw = await npm(['sbom', '--sbom-format', 'cyclonedx', '--omit', 'dev', '--offline', '--loglevel=error'], {
    cwd: root,
  });
  let bom;
  try {
    bom = JSON.parse(raw);
  } catch (e) {
    fail(`npm sbom printed no JSON: ${e.message}`);
  }
  if (bom.bomFormat !== 'CycloneDX' || !Array.isArray(bom.components))
    fail('npm sbom printed something other than a CycloneDX document');
  await addOmittedProduction(bom);

  const component = bom.metadata.component ?? {};
  bom.metadata.component = {
    ...component,
    'bom-ref': component['bom-ref'] ?? `${pkg.name}@${pkg.version}`,
    type: 'application',
    name: pkg.name,
    version: pkg.version,
    purl: purl(pkg.name, pkg.version),
    properties: (component.properties ?? []).filter((p) => p.name !== 'cdx:npm:package:private'),
  };
  bom.metadata.tools = [...(bom.metadata.tools ?? []), { vendor: 'Oven', name: 'bun', version: bun.version }];

  for (const r of runtimes) {
    const ref = `${r.name}@${r.version}`;
    bom.components.push({
      'bom-ref': ref,
      type: 'application',
      name: r.name,
      version: r.version,
      scope: 'required',
      description: `The Bun runtime embedded in ${r.embeddedIn}`,
      purl: purl(r.name, r.version),
      hashes: [{ alg: 'SHA-512', content: hex(r.integrity) }],
      // The package declares MIT, but the runtime links JavaScriptCore and WebKit (LGPL) and more statically:
      // the whole, as Bun's LICENSE.md lists it and THIRD-PARTY-NOTICES.txt says (scripts/lib/notices.mjs).
      licenses: [{ expression: BUN_LICENSES.expression }],
      properties: [
        { name: 'docker-credential-ecr:embedded-in', value: r.embeddedIn },
        {
          name: 'docker-credential-ecr:license-note',
          value:
            'Bun is MIT; it statically links JavaScriptCore/WebKit (LGPL-2.0-or-later) and the libraries listed in THIRD-PARTY-NOTICES.txt',
        },
      ],
    });
    const rootDeps = bom.dependencies?.find((d) => d.ref === bom.metadata.component['bom-ref']);
    if (rootDeps) rootDeps.dependsOn = [...(rootDeps.dependsOn ?? []), ref];
    bom.dependencies?.push({ ref, dependsOn: [] });
  }
  writeFileSync(out, `${JSON.stringify(bom, null, 2)}\n`);
  return bom.components.length;
}

/**
 * `npm sbom --omit dev` (npm 11) leaves out a production package that a dev dependency reaches too: debug and ms,
 * which http-proxy-agent needs and eslint also uses. `npm ls --omit dev` lists them; each one missing is added
 * with its hash from package-lock.json and its edge from the package that needs it.
 */
async function addOmittedProduction(bom) {
  const tree = JSON.parse(
    await npm(['ls', '--omit', 'dev', '--all', '--json', '--long', '--offline', '--loglevel=error'], { cwd: root }),
  );
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages;
  const have = new Set(bom.components.map((c) => c['bom-ref']));
  const edges = new Map((bom.dependencies ?? []).map((d) => [d.ref, d]));
  const walk = (node, parentRef) => {
    for (const [name, dep] of Object.entries(node.dependencies ?? {})) {
      if (!dep.version) continue;
      const ref = `${name}@${dep.version}`;
      if (!have.has(ref)) {
        have.add(ref);
        const locked = lock[relative(root, dep.path ?? '')] ?? {};
        bom.components.push({
          'bom-ref': ref,
          type: 'library',
          name,
          version: dep.version,
          scope: 'required',
          ...(dep.description ? { description: dep.description } : {}),
          purl: purl(name, dep.version),
          properties: [],
          ...(locked.integrity ? { hashes: [{ alg: 'SHA-512', content: hex(locked.integrity) }] } : {}),
          ...(dep.license ? { licenses: [{ license: { id: dep.license } }] } : {}),
        });
      }
      if (parentRef) {
        const edge = edges.get(parentRef) ?? { ref: parentRef, dependsOn: [] };
        if (!edges.has(parentRef)) {
          edges.set(parentRef, edge);
          (bom.dependencies ??= []).push(edge);
        }
        if (!(edge.dependsOn ??= []).includes(ref)) edge.dependsOn.push(ref);
      }
      walk(dep, ref);
    }
  };
  walk(tree, undefined);
}
