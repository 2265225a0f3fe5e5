// Who publishes the release and where it lives, for the packages, the manifests and the Action. The repository
// is an assumption until the project has its public home: DCE_REPOSITORY (owner/name; the release workflow sets
// it from github.repository) overrides it everywhere.
export const REPOSITORY = process.env.DCE_REPOSITORY || 'docker-credential-ecr/docker-credential-ecr';
export const HOMEPAGE = `https://github.com/${REPOSITORY}`;
export const MAINTAINER = 'docker-credential-ecr maintainers <docker-credential-ecr@users.noreply.github.com>';
export const SUMMARY = 'Docker credential helper for Amazon ECR and ECR Public';
export const DESCRIPTION = [
  'docker-credential-ecr answers Docker, podman, buildah and the kubelet with',
  'tokens for Amazon ECR (every partition) and ECR Public, fetched with the',
  'usual AWS credentials and cached on disk. It works as a credHelpers entry,',
  'as credsStore (handing other registries to another store) and as a kubelet',
  'image credential provider.',
];
/** The release asset URL of a file, for the manifests and the Action. */
export const assetUrl = (version, file) => `${HOMEPAGE}/releases/download/v${version}/${file}`;
