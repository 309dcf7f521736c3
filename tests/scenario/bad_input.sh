#!/usr/bin/env bash
# lvsim on bad input: exit status 2 and one message naming file:line:column.
# usage: bad_input.sh LVSIM DATA_DIR
set -uo pipefail
lvsim=$1
data=$2
fail=0
expect_bad() {  # expect_bad DESCRIPTION EXPECTED_LOCATION EXPECTED_TEXT -- lvsim args...
  local what=$1 loc=$2 text=$3
  shift 4
  local out rc
  out=$("$lvsim" "$@" 2>&1 >/dev/null)
  rc=$?
  if [ "$rc" -ne 2 ]; then echo "FAIL $what: exit $rc, want 2 ($out)"; fail=1; return; fi
  case "$out" in *"$loc"*) ;; *) echo "FAIL $what: no '$loc' in: $out"; fail=1; return;; esac
  case "$out" in *"$text"*) ;; *) echo "FAIL $what: no '$text' in: $out"; fail=1; return;; esac
  echo "ok   $what: $(echo "$out" | head -1)"
}
expect_bad "yaml syntax"        "bad-yaml.yaml:5:4"     "YAML"                     -- run "$data/bad-yaml.yaml"
expect_bad "unknown key"        "bad-key.yaml:3:1"     "did you mean 'duration'"  -- run "$data/bad-key.yaml"
expect_bad "bad unit"           "bad-unit.yaml:3:17"   "unknown unit"             -- run "$data/bad-unit.yaml"
expect_bad "weight too big"     "bad-weight.yaml:9:50"   "illegal weight specified" -- run "$data/bad-weight.yaml"
expect_bad "unknown server"     "bad-name.yaml:15:13"  "did you mean 'rs1'"       -- run "$data/bad-name.yaml"
expect_bad "past the end"       "bad-time.yaml:16:9"   "after the end of the run" -- run "$data/bad-time.yaml"
expect_bad "typo in a quantity" "bad-quantity.yaml:14:11" "did you mean 'rs1.active'"   -- check "$data/bad-quantity.yaml"
expect_bad "unknown IPVS state" "bad-state.yaml:14:11"   "unknown IPVS state 'FOO'"    -- check "$data/bad-state.yaml"
expect_bad "time against count" "bad-units.yaml:14:24"   "is a count, not a time"      -- check "$data/bad-units.yaml"
expect_bad "-a before -A"       "bad-order.yaml:5:5"     "Service not defined"         -- check "$data/bad-order.yaml"
expect_bad "unknown scheduler"  "bad-scheduler.yaml:5:25" "no scheduler named 'bogus'" -- check "$data/bad-scheduler.yaml"
expect_bad "sysctl value"       "bad-sysctl-value.yaml:15:32" "takes 0 to 1, not 'abc'" -- check "$data/bad-sysctl-value.yaml"
expect_bad "rule for nobody"    "bad-rule-address.yaml:6:25" "no realserver's address" -- check "$data/bad-rule-address.yaml"
expect_bad "unused realserver"  "bad-unused-realserver.yaml:10:5" "used by no rule"    -- check "$data/bad-unused-realserver.yaml"
expect_bad "target nowhere"     "bad-target.yaml:12:13"  "neither a virtual service"   -- check "$data/bad-target.yaml"
expect_bad "unknown kernel"     "bad-kernel.yaml:3:9"    "write a release"             -- check "$data/bad-kernel.yaml"
expect_bad "object over 1GiB"   "bad-object-size.yaml:12:49" "larger than one message"  -- check "$data/bad-object-size.yaml"
expect_bad "run rejects too"    "bad-quantity.yaml:14:11" "unknown quantity"           -- run "$data/bad-quantity.yaml"
expect_bad "sweep metric typo"  "--metrics rs1.activ"    "did you mean 'rs1.active'"   -- sweep "$data/good.yaml" --vary seed=1,2 -m rs1.activ
expect_bad "--set into a value" "command line"           "is a single value"           -- run "$data/good.yaml" --set name.x=1
expect_bad "missing file"       "nowhere.yaml"         "cannot open"              -- run "$data/nowhere.yaml"
expect_bad "bad --set key"      "command line"         "did you mean 'keepalive_timeout'" -- run "$data/good.yaml" --set realservers.rs1.keepalive_timout=5s
expect_bad "bad --set value"    "command line"         "unknown unit"             -- run "$data/good.yaml" --set duration=10parsecs
expect_bad "bad --until"        "--until"              "unknown unit"             -- run "$data/good.yaml" --until 5x
expect_bad "unknown option"     "lvsim run"            "unrecognised option"      -- run "$data/good.yaml" --frobnicate
expect_bad "unknown command"    "lvsim"                "unknown command"          -- frobnicate
exit $fail
