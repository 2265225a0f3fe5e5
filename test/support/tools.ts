// The real clients the end-to-end tests drive. A missing one is a failure, not a skip: a suite that
// quietly skips its only proof against real clients would pass on a machine that proves nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findOnPath as findExecutable } from '../../src/platform/executable-path';

/** Command -> its Debian 12 package: the one list, scripts/lib/test-packages.json, that npm test's set-up installs. */
const LIST = JSON.parse(readFileSync(join(__dirname, '../../scripts/lib/test-packages.json'), 'utf8')) as {
  commands: Record<string, string>;
  machine: Record<string, string>;
};
const PACKAGES = LIST.commands;
const packageOf = (command: string) => PACKAGES[command] ?? 'unknown';
const installedBySetup = (command: string) =>
  `Debian package ${packageOf(command)} (npm test installs it as root; elsewhere: sudo node scripts/setup.mjs)`;

/** Command -> how to get it. */
export const TOOL_PACKAGES = {
  docker: LIST.machine.docker,
  skopeo: installedBySetup('skopeo'),
  podman: installedBySetup('podman'),
  buildah: installedBySetup('buildah'),
  'docker-registry': installedBySetup('docker-registry'),
  htpasswd: installedBySetup('htpasswd'),
  aws: installedBySetup('aws'),
  openssl: installedBySetup('openssl'),
  'docker-credential-pass': installedBySetup('docker-credential-pass'),
  pass: installedBySetup('pass'),
  gpg: installedBySetup('gpg'),
  kubectl: installedBySetup('kubectl'),
  script: installedBySetup('script'),
} as const;

export type Tool = keyof typeof TOOL_PACKAGES;

/** Absolute path of command on PATH, or undefined (the helper's own PATH lookup, used by doctor too). */
export function findOnPath(command: string, path = process.env.PATH ?? ''): string | undefined {
  return findExecutable(path, command);
}

/** Absolute path of the tool, or throws naming the package to install. */
export function requireTool(tool: Tool, path = process.env.PATH ?? ''): string {
  const found = findOnPath(tool, path);
  if (!found) throw new Error(`${tool} is not on PATH; this end-to-end test needs it: install ${TOOL_PACKAGES[tool]}`);
  return found;
}
