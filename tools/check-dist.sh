#!/usr/bin/env bash
# Checks what `goreleaser release --snapshot` wrote (make release-snapshot):
# every archive and SBOM listed in checksums.txt with the right SHA-256, the
# Windows zips and the other archives present, an SPDX SBOM per archive, the
# stamped version in the Linux build, the winget and scoop manifests naming
# the zips and their checksums, and the Ansible role's zip check against the
# real zips (examples/fleet/ansible/tests/release.yml).
set -euo pipefail
dist=${1:-dist}
root=$(cd "$(dirname "$0")/.." && pwd)
dist=$(cd "$dist" && pwd)
fail() { echo "check-dist: $*" >&2; exit 1; }

version=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$dist/metadata.json")
commit=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["commit"])' "$dist/metadata.json")
[ -n "$version" ] || fail "no version in $dist/metadata.json"
echo "check-dist: version $version, commit $commit"

(cd "$dist" && sha256sum --quiet -c checksums.txt) || fail "checksums.txt does not match dist/"
for target in windows_amd64 windows_arm64; do
  zip="vssmirror_${version}_${target}.zip"
  grep -q "  $zip\$" "$dist/checksums.txt" || fail "checksums.txt does not list $zip"
done
for target in linux_amd64 linux_arm64 darwin_amd64 darwin_arm64; do
  [ -f "$dist/vssmirror_${version}_${target}.tar.gz" ] || fail "missing vssmirror_${version}_${target}.tar.gz"
done
for a in "$dist"/vssmirror_"$version"_*.zip "$dist"/vssmirror_"$version"_*.tar.gz; do
  sbom="$a.spdx.json"
  [ -f "$sbom" ] || fail "no SBOM for $(basename "$a")"
  python3 - "$sbom" <<'PY' || fail "$sbom is not an SPDX document naming vssmirror's modules"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["spdxVersion"].startswith("SPDX-"), d.get("spdxVersion")
names = {p.get("name") for p in d["packages"]}
for m in ("github.com/urfave/cli/v2", "go.yaml.in/yaml/v3"):
    assert m in names, (m, sorted(n for n in names if n)[:20])
PY
done

# The stamped version: goreleaser's ldflags reach `vssmirror --version`.
bin=$(find "$dist" -path '*linux_amd64*' -name vssmirror -type f | head -1)
[ -n "$bin" ] || fail "no linux/amd64 binary in dist/"
line=$("$bin" --version)
echo "check-dist: $line"
want="vssmirror version $version (commit ${commit:0:12}, built "
# goreleaser has no commit (nor its date) to stamp in a repository without
# a remote.
if [ "$commit" = none ]; then want="vssmirror version $version (go"; fi
case "$line" in
  "$want"*) ;;
  *) fail "--version says '$line', expected '$want...'" ;;
esac

# The package manifests, generated from the release (not published).
for target in amd64 arm64; do
  zip="vssmirror_${version}_windows_${target}.zip"
  sum=$(grep "  $zip\$" "$dist/checksums.txt" | cut -d' ' -f1)
  scoop=$(find "$dist" -path '*scoop*' -name 'vssmirror.json' | head -1)
  [ -n "$scoop" ] || fail "no scoop manifest in dist/"
  grep -q "$zip" "$scoop" || fail "the scoop manifest does not name $zip"
  grep -q "$sum" "$scoop" || fail "the scoop manifest does not carry $zip's SHA-256"
  installer=$(find "$dist" -path '*winget*' -name '*.installer.yaml' | head -1)
  [ -n "$installer" ] || fail "no winget installer manifest in dist/"
  grep -q "$zip" "$installer" || fail "the winget manifest does not name $zip"
  grep -qi "$sum" "$installer" || fail "the winget manifest does not carry $zip's SHA-256"
done
echo "check-dist: scoop $(realpath --relative-to="$root" "$scoop"), winget $(realpath --relative-to="$root" "$(dirname "$installer")")"

# The Ansible role's release check, against these zips.
cd "$root/examples/fleet/ansible"
ansible-playbook tests/release.yml -e "vssmirror_test_dist=$dist" -e "vssmirror_test_version=$version"
echo "check-dist: ok"
