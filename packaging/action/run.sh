#!/usr/bin/env bash
# The GitHub Action's step (action.yml passes the inputs as INPUT_*). Writes only to the runner's files:
# GITHUB_PATH (the helper's directory), GITHUB_ENV (HTTPS_PROXY when asked), GITHUB_OUTPUT (registry, and the
# credentials when asked); the Docker config through `docker-credential-ecr configure`.
set -euo pipefail
fail() { echo "::error::docker-credential-ecr: $*"; exit 1; }

version=${INPUT_VERSION:-}
[ -n "$version" ] || version=${ACTION_REF#v}
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] || fail "no release version: set the version input (the action's ref '${ACTION_REF:-}' is not vX.Y.Z)"
base=${INPUT_RELEASE_URL:-https://github.com/${ACTION_REPOSITORY:-docker-credential-ecr/docker-credential-ecr}/releases/download}

case "${RUNNER_OS:-Linux}/${RUNNER_ARCH:-X64}" in
  Linux/X64) platform=linux-amd64 ;;
  Linux/ARM64) platform=linux-arm64 ;;
  macOS/X64) platform=darwin-amd64 ;;
  macOS/ARM64) platform=darwin-arm64 ;;
  Windows/X64) platform=windows-amd64 ;;
  Windows/ARM64) platform=windows-arm64 ;;
  *) fail "no release for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}" ;;
esac
ext=tar.gz; exe=docker-credential-ecr
case "$platform" in windows-*) ext=zip; exe=docker-credential-ecr.exe ;; esac
archive="docker-credential-ecr-v$version.$platform.$ext"
tmp=$(mktemp -d "${RUNNER_TEMP:-/tmp}/docker-credential-ecr.XXXXXX")
curl -fsSL --retry 3 -o "$tmp/$archive" "$base/v$version/$archive" || fail "cannot download $base/v$version/$archive"
curl -fsSL --retry 3 -o "$tmp/checksums.txt" "$base/v$version/checksums.txt" || fail "cannot download $base/v$version/checksums.txt"
want=$(awk -v f="*$archive" '$2 == f { print $1 }' "$tmp/checksums.txt")
[ -n "$want" ] || fail "checksums.txt does not list $archive"
if command -v sha256sum >/dev/null; then got=$(sha256sum "$tmp/$archive" | cut -d' ' -f1); else got=$(shasum -a 256 "$tmp/$archive" | cut -d' ' -f1); fi
[ "$got" = "$want" ] || fail "$archive does not match checksums.txt (sha256 $got, expected $want)"

dest="${RUNNER_TOOL_CACHE:-$tmp}/docker-credential-ecr/$version/$platform"
mkdir -p "$dest"
if [ "$ext" = zip ]; then unzip -q -o "$tmp/$archive" -d "$tmp/x"; else mkdir -p "$tmp/x" && tar -xzf "$tmp/$archive" -C "$tmp/x"; fi
cp "$tmp/x/docker-credential-ecr-v$version.$platform/$exe" "$dest/$exe"
chmod 0755 "$dest/$exe"
rm -rf "$tmp"
echo "$dest" >> "$GITHUB_PATH"
export PATH="$dest:$PATH"
echo "installed $(docker-credential-ecr version) in $dest"

if [ -n "${INPUT_HTTP_PROXY:-}" ]; then
  export HTTPS_PROXY="$INPUT_HTTP_PROXY"
  echo "HTTPS_PROXY=$INPUT_HTTP_PROXY" >> "$GITHUB_ENV"
fi

region=${INPUT_REGION:-${AWS_REGION:-${AWS_DEFAULT_REGION:-}}}
hosts=()
if [ "${INPUT_REGISTRY_TYPE:-private}" = public ]; then
  hosts=(public.ecr.aws)
else
  [ "${INPUT_REGISTRY_TYPE:-private}" = private ] || fail "registry-type must be private or public, not '$INPUT_REGISTRY_TYPE'"
  for entry in ${INPUT_REGISTRIES//,/ }; do
    if [[ "$entry" =~ ^[0-9]{12}$ ]]; then
      [ -n "$region" ] || fail "registry $entry is an account id: set the region input or AWS_REGION"
      hosts+=("$entry.dkr.ecr.$region.amazonaws.com")
    else
      hosts+=("$entry")
    fi
  done
fi

if [ "${INPUT_ALL_REGISTRIES:-false}" = true ]; then
  docker-credential-ecr configure --all-registries
else
  args=()
  for h in "${hosts[@]}"; do args+=(--registry "$h"); done
  [ -z "$region" ] || args+=(--region "$region")
  docker-credential-ecr configure "${args[@]}"
fi
registry=$(IFS=,; echo "${hosts[*]}")
echo "registry=$registry" >> "$GITHUB_OUTPUT"

if [ "${INPUT_OUTPUT_CREDENTIALS:-false}" = true ]; then
  for h in "${hosts[@]}"; do
    answer=$(printf '%s' "$h" | docker-credential-ecr get) || fail "no token for $h"
    user=$(printf '%s' "$answer" | sed -n 's/.*"Username":"\([^"]*\)".*/\1/p')
    secret=$(printf '%s' "$answer" | sed -n 's/.*"Secret":"\([^"]*\)".*/\1/p')
    [ -n "$secret" ] || fail "no token for $h"
    [ "${INPUT_MASK_PASSWORD:-true}" = false ] || echo "::add-mask::$secret"
    key=${h//[.-]/_}
    { echo "docker_username_$key=$user"; echo "docker_password_$key=$secret"; } >> "$GITHUB_OUTPUT"
  done
fi
