#!/usr/bin/env bash
# Packs every packable project of the repository (each *.csproj under src/ that sets <IsPackable>true</IsPackable>)
# into one folder, with symbols (.snupkg), in one build.
#
#   build/pack.sh [output-folder]        default: artifacts/packages of the repository
#
# The version is 0.1.0-local.<UTC yyyyMMddHHmmss>.<commit>, unique per build, so a NuGet cache that holds an earlier
# build never answers for this one (FSMV2_VERSION_SUFFIX overrides the suffix, e.g. `ci.<run>` in CI). When the clone
# has an `origin` remote with a web address (https, or git@host: made https), it is the packages' repository URL (and SourceLink's); otherwise FsmV2RepositoryUrl of
# Directory.Build.props. Prints the packages and, last, `version: <version>`.
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
out="${1:-$root/artifacts/packages}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

sha="$(git -C "$root" rev-parse --short=8 HEAD 2> /dev/null || echo nogit)"
suffix="${FSMV2_VERSION_SUFFIX:-local.$(date -u +%Y%m%d%H%M%S).$sha}"
props=("-p:VersionSuffix=$suffix")
if url="$(git -C "$root" remote get-url origin 2> /dev/null)" && [[ -n "$url" ]]; then
  # git@host:owner/repo(.git) and https://host/owner/repo(.git) -> https://host/owner/repo
  url="$(sed -E -e 's#^git@([^:]+):#https://\1/#' -e 's#\.git$##' <<< "$url")"
  # Only a web address is a repository a package's user can open: a clone of a local folder keeps the default.
  if [[ "$url" =~ ^https?:// ]]; then
    props+=("-p:FsmV2RepositoryUrl=$url")
  fi
fi

# Every packable project, found by its opt-in (Directory.Build.props makes everything else non-packable).
mapfile -t projects < <(cd "$root" && grep -rlE --include='*.csproj' '<IsPackable>\s*true\s*</IsPackable>' src | sort)
if [[ ${#projects[@]} -eq 0 ]]; then
  echo "pack.sh: no packable project under $root/src" >&2
  exit 1
fi

# One solution filter, so the shared projects are built once for all packages.
filter="$(mktemp -d)/pack.slnf"
trap 'rm -rf "$(dirname "$filter")"' EXIT
{
  printf '{ "solution": { "path": "%s", "projects": [' "$root/FsmV2.Toolkit.sln"
  sep=""
  for p in "${projects[@]}"; do printf '%s"%s"' "$sep" "$p"; sep=", "; done
  printf '] } }\n'
} > "$filter"

dotnet pack "$filter" -c Release -o "$out" -tl:off -nologo -v:minimal "${props[@]}" >&2

version="0.1.0-$suffix"
shopt -s nullglob
packed=("$out"/*."$version".nupkg)
if [[ ${#packed[@]} -ne ${#projects[@]} ]]; then
  echo "pack.sh: expected ${#projects[@]} packages of version $version in $out, found ${#packed[@]}" >&2
  exit 1
fi
for package in "${packed[@]}" "$out"/*."$version".snupkg; do
  echo "$package"
done
echo "version: $version"
