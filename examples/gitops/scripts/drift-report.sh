#!/usr/bin/env bash
# Drift report: the partners changed or deleted outside Terraform (in the
# Servitly console, say) since the last apply, as Markdown, read from a saved
# plan, normally a refresh-only one, which changes nothing:
#
#   terraform plan -refresh-only -out=drift.tfplan
#   scripts/drift-report.sh drift.tfplan >report.md
#
# For each changed partner it lists its code, the attribute, the value in the
# state and the value now; then the code, name and id of each deleted
# partner. Partners that did not change are left out, and so are the
# attributes that Servitly maintains (customer_count) or that only the state
# holds (deletion_protection, timeouts). The warnings of failed check blocks,
# such as main.tf's partners that no row manages, follow under their own
# heading; they make no drift.
#
# Environment:
#   TERRAFORM  the CLI (default terraform; tofu works the same).
#
# Exit status: 0 when nothing drifted, 1 when something did, 2 when the check
# itself cannot run.
set -euo pipefail

fail() {
  echo "drift-report: $*" >&2
  exit 2
}

[[ $# -eq 1 ]] || fail "usage: $0 PLANFILE"
plan=$1
cli=${TERRAFORM:-terraform}

command -v jq >/dev/null || fail "jq not found: install jq (https://jqlang.org)"
command -v "$cli" >/dev/null || fail "$cli not found: set TERRAFORM to the CLI that made the plan"
[[ -f $plan && -r $plan ]] || fail "cannot read plan file '$plan'"
json=$("$cli" show -json "$plan") || fail "'$cli show -json $plan' failed"
jq -e 'has("planned_values")' >/dev/null <<<"$json" || fail "'$plan' is not a saved plan"
jq -e '.errored != true' >/dev/null <<<"$json" ||
  fail "'$plan' is the plan of a run that failed, so its refresh may be incomplete: see that run's errors"

# shellcheck disable=SC2016 # jq's $variables, not the shell's
defs='
# Markdown text for a table cell: punctuation escaped, so that values show as they are.
def md: tostring | gsub("(?<c>[\\\\`*_\\[\\]<>|~&#!])"; "\\\(.c)");
def partners: "\(.) partner" + (if . == 1 then "" else "s" end);
def shown: if . == null then "unset" else tojson end | md;
# The attributes a console edit can change, maps flattened to properties["tier"].
def flat: [to_entries[]
    | select(.key | IN("id", "customer_count", "creation_timestamp", "deletion_protection", "timeouts") | not)
    | if (.value | type) == "object"
      then .key as $map | .value | to_entries[] | {key: "\($map)[\(.key | tojson)]", value}
      else . end]
  | from_entries;
def drift: [.resource_drift[]? | select(.mode == "managed" and .type == "servitly_partner")
  | . + {partner: (.change.before.code // .address)}];
# One entry per changed attribute of a partner that is still there.
def changes: [drift[] | select(.change.actions == ["update"])
  | .partner as $partner | (.change.before // {} | flat) as $was | (.change.after // {} | flat) as $now
  | ($was + $now | keys[]) as $attribute | select($was[$attribute] != $now[$attribute])
  | {$partner, $attribute, was: $was[$attribute], now: $now[$attribute]}];
def deletions: [drift[] | select(.change.actions == ["delete"]) | {partner, name: .change.before.name, id: .change.before.id}];
'
report='
changes as $changed | deletions as $deleted
| [.checks[]? | .instances[]? | select(.status == "fail") | .problems[]?.message] as $warnings
| "## Servitly drift report\n",
  (if $changed == [] and $deleted == [] then "No partner changed outside Terraform since the last apply."
   else [($changed | map(.partner) | unique | length | partners + " changed"), ($deleted | length | partners + " deleted")]
     | map(select(startswith("0 ") | not)) | join(" and ") + " outside Terraform since the last apply." end),
  (if $changed != [] then "\n### Changed\n\n| Partner | Attribute | In the state | In Servitly now |\n|---|---|---|---|",
     ($changed[] | "| \(.partner | md) | `\(.attribute)` | \(.was | shown) | \(.now | shown) |")
   else empty end),
  (if $deleted != [] then "\n### Deleted\n\n| Partner | Name | Id |\n|---|---|---|",
     ($deleted[] | "| \(.partner | md) | \(.name | shown) | \(.id | md) |")
   else empty end),
  (if $warnings != [] then "\n### Check warnings\n", ($warnings[] | "- " + md) else empty end),
  (if $changed != [] or $deleted != [] then "\n### What to do\n",
     "- To keep a change, write it into the partner\u0027s row of partners.csv and merge. Otherwise the next apply of main sets the partner back to its row.",
     "- While a deleted partner\u0027s row remains, the next apply creates it again. To accept the deletion, delete the row. If the partner was made again in the console with its code, run `terraform apply -refresh-only` first, then adopt the new one in imports.tf.",
     "- Once the report is dealt with, `terraform apply -refresh-only` records what Servitly holds, and the next report is clean."
   else empty end)
'
jq -r "$defs $report" <<<"$json" || fail "reading the plan's JSON failed"
jq -e "$defs changes + deletions | length == 0" >/dev/null <<<"$json" && exit 0
exit 1
