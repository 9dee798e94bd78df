#!/usr/bin/env bash
# make release-check: the release archive, installed as a user's first
# `terraform init` and `tofu init` install it, then used.
#
# goreleaser builds a snapshot of .goreleaser.yml for this platform only:
# the zip, the SHA256SUMS file and the manifest entry, as a release has them
# (unsigned). The zip goes into a filesystem mirror, in the packed layout a
# registry download lands in, for registry.terraform.io and
# registry.opentofu.org. A lock file that holds the zip's hash from
# SHA256SUMS makes init verify the archive against it: a corrupted copy must
# fail init, the real one must install, and the lock file must still hold
# the hash. Then examples/quickstart applies against the emulator with the
# installed binary, plans clean and is destroyed. No dev_overrides anywhere.
#
# Environment: GORELEASER, TOFU (paths; the Makefile passes its pinned
# tools), TERRAFORM (default terraform), RELEASE_VERSION (default 0.1.0).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
goreleaser=${GORELEASER:?set GORELEASER to the goreleaser binary}
tofu=${TOFU:?set TOFU to the tofu binary}
terraform=${TERRAFORM:-terraform}
version=${RELEASE_VERSION:-0.1.0}
platform="$(go env GOOS)_$(go env GOARCH)"
name=terraform-provider-servitly
zip="${name}_${version}_${platform}.zip"

work=$(mktemp -d)
say() { printf '==> %s\n' "$*"; }
fail() {
  echo "release-check: $*" >&2
  exit 1
}

# shellcheck source=scripts/emulator.sh
. "$root/scripts/emulator.sh"
start_emulator "$root/bin/servitly-emulator" "$work/emulator.log" 127.0.0.1:0
trap 'kill $EMULATOR_PID 2>/dev/null || true; wait $EMULATOR_PID 2>/dev/null || true; rm -rf "$work"' EXIT

say "goreleaser: a snapshot of .goreleaser.yml for $platform only, version $version"
# The release configuration, with three settings added: one target (the
# open-source goreleaser has no --single-target for releases), the output
# folder, and a plain version (Terraform installs a pre-release only when
# the configuration pins it).
awk -v target="$platform" '{ print } /^    binary:/ { print "    targets: [\"" target "\"]"; added = 1 }
  END { if (!added) exit 1 }' "$root/.goreleaser.yml" >"$work/goreleaser.yml" ||
  fail ".goreleaser.yml has no build with a binary: line to add the target after"
printf 'dist: %s\nsnapshot:\n  version_template: "%s"\n' "$work/dist" "$version" >>"$work/goreleaser.yml"
# before: the go mod tidy hook would edit the checkout; sign: no GPG key here.
(cd "$root" && "$goreleaser" release --snapshot --clean --skip=before,sign -f "$work/goreleaser.yml") >"$work/goreleaser.log" 2>&1 ||
  { cat "$work/goreleaser.log" >&2; fail "goreleaser failed"; }

sums="$work/dist/${name}_${version}_SHA256SUMS"
[ -f "$work/dist/$zip" ] || fail "goreleaser wrote no $zip: $(ls "$work/dist")"
[ -f "$sums" ] || fail "goreleaser wrote no SHA256SUMS file: $(ls "$work/dist")"
sha=$(awk -v f="$zip" '$2 == f { print $1 }' "$sums")
[ -n "$sha" ] || fail "$sums does not list $zip"
[ "$(sha256sum "$work/dist/$zip" | cut -d' ' -f1)" = "$sha" ] || fail "$zip does not match its line in SHA256SUMS"
manifest=$(awk -v f="${name}_${version}_manifest.json" '$2 == f { print $1 }' "$sums")
[ "$manifest" = "$(sha256sum "$root/terraform-registry-manifest.json" | cut -d' ' -f1)" ] ||
  fail "SHA256SUMS does not list terraform-registry-manifest.json as ${name}_${version}_manifest.json"
grep -q '"6.0"' "$root/terraform-registry-manifest.json" || fail "the manifest does not say protocol 6.0, which the provider serves"
say "$zip: sha256 $sha, as SHA256SUMS says"

# The same archive in a good mirror and, with one byte more, in a bad one.
for host in registry.terraform.io registry.opentofu.org; do
  mkdir -p "$work/mirror/$host/servitly/servitly" "$work/corrupt/$host/servitly/servitly"
  cp "$work/dist/$zip" "$work/mirror/$host/servitly/servitly/"
  { cat "$work/dist/$zip"; printf x; } >"$work/corrupt/$host/servitly/servitly/$zip"
done
for mirror in mirror corrupt; do
  cat >"$work/$mirror.tfrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$work/$mirror"
    include = ["registry.terraform.io/servitly/servitly", "registry.opentofu.org/servitly/servitly"]
  }
}
RC
done

export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
export SERVITLY_BASE_URL="$EMULATOR_URL" SERVITLY_TENANT=demo SERVITLY_API_KEY=demo-api-key SERVITLY_PAT=demo-pat
unset SERVITLY_TOKEN SERVITLY_EMAIL SERVITLY_PASSWORD TF_PLUGIN_CACHE_DIR

# check CLI HOST: init from each mirror in a fresh folder, then the quickstart.
check() {
  local cli=$1 host=$2 dir="$work/$(basename "$1")"
  local lock="provider \"$host/servitly/servitly\" {
  version = \"$version\"
  hashes = [
    \"zh:$sha\",
  ]
}"
  mkdir -p "$dir/corrupt"
  cp "$root/examples/quickstart/main.tf" "$dir/"
  cp "$root/examples/quickstart/main.tf" "$dir/corrupt/"
  echo "$lock" >"$dir/.terraform.lock.hcl"
  echo "$lock" >"$dir/corrupt/.terraform.lock.hcl"

  say "$($cli version | head -n 1): init from the corrupted copy must fail"
  if (cd "$dir/corrupt" && TF_CLI_CONFIG_FILE="$work/corrupt.tfrc" "$cli" init -input=false -no-color) >"$dir/corrupt.log" 2>&1; then
    cat "$dir/corrupt.log" >&2
    fail "$cli init installed an archive that does not match the lock file's hash"
  fi
  grep -qi 'checksum' "$dir/corrupt.log" || { cat "$dir/corrupt.log" >&2; fail "$cli init failed, but not on the checksum"; }

  say "init from the release archive, verified against SHA256SUMS"
  (cd "$dir" && TF_CLI_CONFIG_FILE="$work/mirror.tfrc" "$cli" init -input=false -no-color) >"$dir/init.log" 2>&1 ||
    { cat "$dir/init.log" >&2; fail "$cli init failed"; }
  grep -q "zh:$sha" "$dir/.terraform.lock.hcl" || { cat "$dir/.terraform.lock.hcl" >&2; fail "the lock file lost the archive's hash"; }
  local installed="$dir/.terraform/providers/$host/servitly/servitly/$version/$platform/${name}_v${version}"
  [ -x "$installed" ] || fail "init did not install $installed"
  grep -i 'override' "$dir/init.log" && fail "$cli used a development override"

  say "apply examples/quickstart against the emulator with the installed provider"
  (
    cd "$dir"
    export TF_CLI_CONFIG_FILE="$work/mirror.tfrc"
    "$cli" apply -auto-approve -input=false -no-color >apply.log 2>&1 || { cat apply.log >&2; exit 1; }
    grep -q 'Apply complete! Resources: 3 added' apply.log || { cat apply.log >&2; exit 1; }
    "$cli" plan -detailed-exitcode -input=false -no-color >plan.log 2>&1 || { cat plan.log >&2; exit 1; }
    "$cli" destroy -auto-approve -input=false -no-color >destroy.log 2>&1 || { cat destroy.log >&2; exit 1; }
    grep -q 'Resources: 3 destroyed' destroy.log || { cat destroy.log >&2; exit 1; }
  ) || fail "the quickstart did not apply, plan clean and destroy with $cli"
}

check "$terraform" registry.terraform.io
check "$tofu" registry.opentofu.org
say "release-check: the archive installs with terraform init and tofu init, verified against SHA256SUMS, and applies the quickstart"
