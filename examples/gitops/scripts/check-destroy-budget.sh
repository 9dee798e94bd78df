#!/usr/bin/env bash
# Destroy budget: fails when a saved plan would delete more servitly_partner
# instances than allowed, so a partners.csv emptied by a bad merge stops the
# pipeline before apply instead of deleting the partner network. It also
# fails when the plan deletes or replaces a partner that has customers, which
# a warning in the plan's log would not stop, unless the run allows it.
#
# Usage, from the folder the plan was made in (it runs `terraform show -json`):
#   terraform plan -out=tfplan
#   scripts/check-destroy-budget.sh tfplan
#
# Environment:
#   MAX_PARTNER_DELETIONS  deletions allowed (default 1). A replace counts as a
#                          deletion; a `removed` block with destroy = false does
#                          not. One is the everyday change, removing a row;
#                          more in one go is rare enough to ask for an override.
#   ALLOW_DELETING_PARTNERS_WITH_CUSTOMERS
#                          true lets this run delete or replace partners that
#                          have customers (customer_count above 0, as refreshed
#                          by the plan); unset or false refuses. Set it for one
#                          run, once their customers have another partner.
#   TERRAFORM              the CLI (default terraform; tofu works the same).
#
# Exit status: 0 within budget, 1 over it or deleting a partner with customers
# that the run does not allow, 2 when the check itself cannot run.
set -euo pipefail

fail() {
  echo "check-destroy-budget: $*" >&2
  exit 2
}

[[ $# -eq 1 ]] || fail "usage: $0 PLANFILE"
plan=$1
max=${MAX_PARTNER_DELETIONS:-1}
allow_customers=${ALLOW_DELETING_PARTNERS_WITH_CUSTOMERS:-false}
cli=${TERRAFORM:-terraform}

[[ $max =~ ^(0|[1-9][0-9]*)$ ]] || fail "MAX_PARTNER_DELETIONS must be a whole number, not '$max'"
[[ $allow_customers =~ ^(true|false)$ ]] ||
  fail "ALLOW_DELETING_PARTNERS_WITH_CUSTOMERS must be true or false, not '$allow_customers'"
command -v jq >/dev/null || fail "jq not found: install jq (https://jqlang.org)"
command -v "$cli" >/dev/null || fail "$cli not found: set TERRAFORM to the CLI that made the plan"
[[ -f $plan && -r $plan ]] || fail "cannot read plan file '$plan'"
json=$("$cli" show -json "$plan") || fail "'$cli show -json $plan' failed"
jq -e 'has("planned_values")' >/dev/null <<<"$json" || fail "'$plan' is not a saved plan"

# Managed partners whose actions include delete: a plain delete or a replace.
partner_deletions='def partner_deletions: .resource_changes[]? | select(.mode == "managed"
  and .type == "servitly_partner" and any(.change.actions[]; . == "delete"));'
count=$(jq "$partner_deletions [partner_deletions] | length" <<<"$json")

status=0
if ((count > max)); then
  {
    echo "Destroy budget exceeded: the plan deletes $count partner(s), MAX_PARTNER_DELETIONS allows $max:"
    jq -r "$partner_deletions"' partner_deletions
      | "  \(.address): code \(.change.before.code), name \(.change.before.name | tojson)"
        + (if .change.actions == ["delete"] then "" else " (replaced)" end)' <<<"$json"
    echo "If this is intended, raise the budget for one run (see \"The pipeline\" in README.md)."
  } >&2
  status=1
else
  echo "Destroy budget: the plan deletes $count partner(s), MAX_PARTNER_DELETIONS allows $max."
fi

# Their customers lose their partner: the count is the plan's refresh of it.
with_customers=$(jq -r "$partner_deletions"' partner_deletions | select((.change.before.customer_count // 0) > 0)
  | "  \(.address): code \(.change.before.code), name \(.change.before.name | tojson), "
    + "\(.change.before.customer_count) customer\(if .change.before.customer_count == 1 then "" else "s" end)"
    + (if .change.actions == ["delete"] then "" else " (replaced)" end)' <<<"$json")
if [[ -n $with_customers && $allow_customers == true ]]; then
  echo "Partners with customers: ALLOW_DELETING_PARTNERS_WITH_CUSTOMERS lets this run delete or replace:"
  echo "$with_customers"
elif [[ -n $with_customers ]]; then
  {
    echo "Partners with customers: the plan deletes or replaces partners that customers depend on:"
    echo "$with_customers"
    echo "Give their customers another partner first. If this is intended, allow it for one run with"
    echo "ALLOW_DELETING_PARTNERS_WITH_CUSTOMERS=true (see \"The pipeline\" in README.md)."
  } >&2
  status=1
fi
exit $status
