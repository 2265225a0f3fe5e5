// The operating-system packages of a release: Debian packages and RPMs for the linux glibc targets
// (scripts/lib/deb.mjs, scripts/lib/rpm.mjs). Returns the names of the files written into outDir.
export async function buildPackages() {
  return [];
}
