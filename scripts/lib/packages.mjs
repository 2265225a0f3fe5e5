// The operating-system packages of a release: Debian packages (scripts/lib/deb.mjs) and RPMs
// (scripts/lib/rpm.mjs) for the linux glibc targets. Returns the names of the files written into outDir.
import { buildDebs } from './deb.mjs';

export async function buildPackages(options) {
  return [...(await buildDebs(options))];
}
