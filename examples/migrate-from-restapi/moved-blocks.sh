#!/bin/sh
# Writes a moved block for each instance of FROM in a state list read from
# standard input, to the instance of TO with the same key:
#
#   terraform state list | ./moved-blocks.sh restapi_object.partner servitly_partner.partner > moved.tf
#
# FROM may instead be a resource type: each resource of that type written
# without for_each or count, such as restapi_object.rossi, then moves to
# TO["rossi"], for a TO with for_each keyed by the old resource names.
#
# Not every restapi_object is a partner: the plan refuses to move an object
# that is not on /network/partners and names its id; delete its block.
set -eu
if [ $# -ne 2 ]; then
  echo "usage: terraform state list | $0 FROM TO > moved.tf" >&2
  exit 2
fi
awk -v from="$1" -v to="$2" '
  index($0, from) == 1 {
    rest = substr($0, length(from) + 1)
    if (from ~ /\./) {
      # A resource: each instance keeps its key ([0], ["P000123"]).
      if (rest != "" && rest !~ /^\[/) next
      target = to rest
    } else {
      # A type: the resource name becomes the key.
      if (rest !~ /^\.[A-Za-z_][A-Za-z0-9_-]*$/) next
      target = to "[\"" substr(rest, 2) "\"]"
    }
    printf "moved {\n  from = %s\n  to   = %s\n}\n\n", $0, target
    n++
  }
  END {
    if (n == 0) {
      print "moved-blocks.sh: no " from " in the state list" > "/dev/stderr"
      exit 1
    }
  }
'
