#!/usr/bin/env bash
# Build a Terraform or OpenTofu CLI from its Go module zip, as fetched through
# the Go module proxy, into a pinned path:
#
#   scripts/build-cli.sh terraform 1.14.9 .tools/terraform-1.14.9/terraform
#   scripts/build-cli.sh tofu      1.12.6 .tools/tofu-1.12.6/tofu
#
# Why not `go install module@version`: from Terraform 1.6 on, terraform's
# go.mod replaces nested modules (the remote-state backends and
# internal/legacy) with local folders, and `go install` refuses any module
# with replace directives. Those nested modules are not in the module zip
# either. Only internal/backend/init/init.go imports the backends (and only a
# test imports internal/legacy), so this script drops them from go.mod and
# from that one file and builds the rest. The resulting CLI has the local
# backend, the http and inmem state backends and HCP Terraform, which is all
# the acceptance tests use.
#
# OpenTofu's single replace (its fork of hcl) points at another module on the
# proxy, so its zip builds as it is; only `go install` would refuse it.
set -euo pipefail

usage() { echo "usage: $0 terraform|tofu VERSION OUTPUT" >&2; exit 2; }
[ $# -eq 3 ] || usage
cli=$1 version=$2 out=$3
case "$cli" in
  terraform) module=github.com/hashicorp/terraform pkg=. ;;
  tofu) module=github.com/opentofu/opentofu pkg=./cmd/tofu ;;
  *) usage ;;
esac

work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

# Outside any module, so the project's go.mod plays no part.
dir=$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "$module@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$dir" ] || { echo "go mod download $module@v$version did not give a source folder" >&2; exit 1; }
cp -r "$dir" "$work/src"
chmod -R u+w "$work/src"
cd "$work/src"

if [ "$cli" = terraform ]; then
  # Every replace that points into the module itself names a nested module
  # that the zip leaves out.
  nested=$(go mod edit -json | jq -r '.Replace[]? | select(.New.Path | startswith("./")) | .Old.Path')
  init=internal/backend/init/init.go
  for m in $nested; do
    go mod edit -dropreplace "$m" -droprequire "$m"
    # The import line is `alias "module"`; drop it and every line using alias.
    alias=$(sed -n "s|^[[:space:]]*\([A-Za-z0-9_]*\) \"$m\"\$|\1|p" "$init")
    if [ -n "$alias" ]; then
      sed -i "/\b$alias\b/d" "$init"
    fi
  done
fi

mkdir -p "$(dirname "$out")"
tmp="$out.tmp.$$"
echo "building $cli $version from $module@v$version (a few minutes the first time)"
start=$SECONDS
# dev=no: report the release version (1.14.9), not 1.14.9-dev.
CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X $module/version.dev=no" -o "$tmp" "$pkg"
mv -f "$tmp" "$out"
echo "built $out in $((SECONDS - start))s"
"$out" version 2>/dev/null | grep -E "^(Terraform|OpenTofu) v" || true
