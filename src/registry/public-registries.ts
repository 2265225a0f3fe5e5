// Registries that belong to someone else and that clients reach on their own: Docker Hub, GitHub, Google, Quay,
// Microsoft, Kubernetes, GitLab, Red Hat, NVIDIA, Chainguard, LinuxServer, Azure's per-customer hosts. A config
// entry that maps one of these names to an ECR `target` would make us hand an ECR token to that registry whenever a
// client asks for it (a mirror's fall-back to the upstream, a `docker pull ghcr.io/...`), so config-file.ts refuses
// it. Each is a domain: the name itself and every host under it.
import { isPattern, matchesPattern } from './host-pattern';

const PUBLIC_REGISTRY_DOMAINS = [
  'docker.io', // docker.io, index.docker.io, registry-1.docker.io
  'docker.com', // registry.hub.docker.com
  'ghcr.io',
  'pkg.github.com', // docker.pkg.github.com
  'quay.io',
  'gcr.io', // gcr.io, us.gcr.io, k8s.gcr.io...
  'pkg.dev', // <region>-docker.pkg.dev (Artifact Registry)
  'mcr.microsoft.com',
  'azurecr.io',
  'registry.k8s.io',
  'registry.gitlab.com',
  'redhat.io', // registry.redhat.io
  'registry.access.redhat.com',
  'nvcr.io',
  'cgr.dev',
  'lscr.io',
];

/** The public registry a config key (a host, or a pattern whose `*` is one label) can name, if any. */
export function publicRegistryNamed(key: string): string | undefined {
  const labels = key.split('.');
  // A pattern can match any host whose labels after its last `*` are these: compare those, as a domain.
  const fixed = isPattern(key) ? labels.slice(labels.lastIndexOf('*') + 1).join('.') : key;
  const domain = PUBLIC_REGISTRY_DOMAINS.find((d) => fixed === d || fixed.endsWith(`.${d}`));
  if (domain) return isPattern(key) ? domain : key;
  // `*.io` and the like are refused as too broad before this; `docker.*` is what is left to check.
  return isPattern(key) ? PUBLIC_REGISTRY_DOMAINS.find((d) => matchesPattern(key, d)) : undefined;
}
