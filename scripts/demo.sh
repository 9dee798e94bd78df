#!/usr/bin/env bash
# make demo: the provider, built from this checkout, applies examples/quickstart
# with the real Terraform CLI against the local Servitly emulator.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/bin"
work="$root/.demo"
port="${DEMO_PORT:-8765}"
url="http://127.0.0.1:$port"

rm -rf "$work"
mkdir -p "$work"
cp "$root/examples/quickstart/main.tf" "$work/"

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

say "Starting the Servitly emulator on $url"
# shellcheck source=scripts/emulator.sh
. "$root/scripts/emulator.sh"
start_emulator "$bin/servitly-emulator" "$work/emulator.log" "127.0.0.1:$port" || {
  echo "Set DEMO_PORT to use another port." >&2
  exit 1
}

# Use the provider just built instead of downloading one from the registry.
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/servitly/servitly" = "$bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc"
export TF_IN_AUTOMATION=1
# The same variables point the quickstart at a real tenant.
export SERVITLY_BASE_URL="$url"
export SERVITLY_TENANT=demo
export SERVITLY_API_KEY=demo-api-key
export SERVITLY_PAT=demo-pat
unset SERVITLY_TOKEN SERVITLY_EMAIL SERVITLY_PASSWORD

cd "$work"
say "terraform apply: creating the quickstart's partners"
terraform apply -auto-approve -input=false -no-color 2>&1 | grep -v -e 'dev_overrides' -e 'Provider development overrides' \
  -e '^ - servitly/servitly in' -e 'may not be compatible' -e 'published releases' -e '^│ *$' -e '^╵' -e '^╷' -e 'Warning: Provider development'

say "terraform plan: a second plan must find nothing to change"
set +e
terraform plan -detailed-exitcode -input=false -no-color >"$work/plan.txt" 2>&1
plan_status=$?
set -e
grep -E 'No changes|Plan:' "$work/plan.txt" || true
if [ "$plan_status" -ne 0 ]; then
  cat "$work/plan.txt" >&2
  echo "FAIL: the second plan was not clean (exit $plan_status)." >&2
  exit 1
fi

say "Partner ids, by code"
terraform output -no-color partner_ids

say "Cleaning up"
terraform destroy -auto-approve -input=false -no-color 2>&1 | grep -E 'Destroy complete|Error' || true

cat <<TXT

Done. The provider created three partners on the emulator, a second plan found
no changes, and destroy removed them.

To run the same configuration against your Servitly tenant:
  export SERVITLY_BASE_URL=https://api.servitly.com    # or your environment's API URL
  export SERVITLY_TENANT=<your tenant name>
  export SERVITLY_API_KEY=<API key>  SERVITLY_PAT=<personal access token>
  cd examples/quickstart && terraform init && terraform apply
TXT
