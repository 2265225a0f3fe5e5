// The real clients the end-to-end tests drive. A missing one is a failure, not a skip: a suite that
// quietly skips its only proof against real clients would pass on a machine that proves nothing.
import { findOnPath as findExecutable } from '../../src/platform/executable-path';

/** Command -> how to get it on Debian 12. */
export const TOOL_PACKAGES = {
  // Not installed by .ci/run: Debian 12 has no client-only package, and docker.io brings an engine.
  docker: "the docker CLI (Debian package docker-ce-cli from Docker's apt repository; docker.io has it too, but also brings an engine); .ci/run does not install it",
  skopeo: 'Debian package skopeo (.ci/run installs it)',
  podman: 'Debian package podman (.ci/run installs it)',
  buildah: 'Debian package buildah (.ci/run installs it)',
  'docker-registry': 'Debian package docker-registry (.ci/run installs it)',
  htpasswd: 'Debian package apache2-utils (.ci/run installs it)',
  aws: 'Debian package awscli (.ci/run installs it)',
  openssl: 'Debian package openssl',
  'docker-credential-pass': 'Debian package golang-docker-credential-helpers (.ci/run installs it)',
  pass: 'Debian package pass (.ci/run installs it)',
  gpg: 'Debian package gnupg (.ci/run installs it)',
  kubectl: 'Debian package kubernetes-client (.ci/run installs it)',
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
