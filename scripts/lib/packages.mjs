// The operating-system packages and the image of a release: Debian packages (scripts/lib/deb.mjs), RPMs
// (scripts/lib/rpm.mjs) for the linux glibc targets, built one format after the other (each compresses two
// executables with xz at once; 2 CPUs), then the OCI image (scripts/lib/image.mjs). Returns the names of the
// files written into outDir.
import { buildDebs } from './deb.mjs';
import { buildImage } from './image.mjs';
import { buildRpms } from './rpm.mjs';

export async function buildPackages(options) {
  return [...(await buildDebs(options)), ...(await buildRpms(options)), buildImage(options)];
}
