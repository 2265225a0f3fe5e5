// The operating-system packages of a release: Debian packages (scripts/lib/deb.mjs) and RPMs
// (scripts/lib/rpm.mjs) for the linux glibc targets, built one after the other (each format compresses two
// executables with xz at once; 2 CPUs). Returns the names of the files written into outDir.
import { buildDebs } from './deb.mjs';
import { buildRpms } from './rpm.mjs';

export async function buildPackages(options) {
  return [...(await buildDebs(options)), ...(await buildRpms(options))];
}
