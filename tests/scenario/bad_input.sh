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
expect_bad "weight too big"     "bad-weight.yaml:9:53"   "illegal weight specified" -- run "$data/bad-weight.yaml"
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
expect_bad "step points nowhere" "bad-step-highlight.yaml:18:16" "did you mean 'rs1'" -- check "$data/bad-step-highlight.yaml"
expect_bad "reveal, no question" "bad-step-reveal.yaml:18:13" "asks none"              -- check "$data/bad-step-reveal.yaml"
expect_bad "steps out of order" "bad-step-order.yaml:18:9" "steps go forward in time"   -- check "$data/bad-step-order.yaml"
expect_bad "answer: unknown question" "E1-bad.yaml:3:3" "did you mean 'fix'"          -- grade "$data/../../../scenarios/exercises/E1-never-ending-drain.yaml" "$data/../../exercises/answers/E1-bad.yaml"
expect_bad "run rejects too"    "bad-quantity.yaml:14:11" "unknown quantity"           -- run "$data/bad-quantity.yaml"
expect_bad "sweep metric typo"  "--metrics rs1.activ"    "did you mean 'rs1.active'"   -- sweep "$data/good.yaml" --vary seed=1,2 -m rs1.activ
expect_bad "--set into a value" "command line"           "is a single value"           -- run "$data/good.yaml" --set name.x=1
expect_bad "missing file"       "nowhere.yaml"         "cannot open"              -- run "$data/nowhere.yaml"
expect_bad "bad --set key"      "command line"         "did you mean 'keepalive_timeout'" -- run "$data/good.yaml" --set realservers.rs1.keepalive_timout=5s
expect_bad "bad --set value"    "command line"         "unknown unit"             -- run "$data/good.yaml" --set duration=10parsecs
expect_bad "bad --until"        "--until"              "unknown unit"             -- run "$data/good.yaml" --until 5x
expect_bad "unknown option"     "lvsim run"            "unrecognised option"      -- run "$data/good.yaml" --frobnicate
expect_bad "unknown command"    "lvsim"                "unknown command"          -- frobnicate
# UDP (issue 26): its keys, targets and values.
expect_bad "udp key typo"       "bad-udp-key.yaml:14:27" "did you mean 'timeout'"    -- check "$data/bad-udp-key.yaml"
expect_bad "no UDP service"     "bad-udp-no-service.yaml:12:5" "define no UDP service" -- check "$data/bad-udp-no-service.yaml"
expect_bad "browser key, resolver" "bad-udp-browser-key.yaml:15:11" "is for browsers"  -- check "$data/bad-udp-browser-key.yaml"
expect_bad "resolver timeout"   "bad-udp-timeout.yaml:14:36" "whole seconds from 1s to 30s" -- check "$data/bad-udp-timeout.yaml"
expect_bad "udp port clash"     "bad-udp-port-clash.yaml:11:13" "both take UDP port 514" -- check "$data/bad-udp-port-clash.yaml"
expect_bad "udp timeout 0"      "--set director.timeouts.udp=0s" "at least 1s"      -- check "$data/good-udp.yaml" --set director.timeouts.udp=0s
expect_bad "attempts over 5"    "--set clients.pods.resolver.attempts=9" "allowed: 1 to 5" -- check "$data/good-udp.yaml" --set clients.pods.resolver.attempts=9
expect_bad "source_port word"   "--set clients.pods.resolver.source_port=random" "known: per-lookup, fixed" -- check "$data/good-udp.yaml" --set clients.pods.resolver.source_port=random
# HA (VRRP pair and sync daemon): the pair, keepalived's refusals, the timeline's names.
expect_bad "ha one director"    "bad-ha-one-director.yaml:15:5" "lists the two directors" -- check "$data/bad-ha-one-director.yaml"
expect_bad "ha same address"    "bad-ha-same-address.yaml:16:29" "give the second one its own" -- check "$data/bad-ha-same-address.yaml"
expect_bad "vrrp priority 0"    "bad-ha-priority-0.yaml:16:49" "allowed: 1 to 255"    -- check "$data/bad-ha-priority-0.yaml"
expect_bad "vrrp priority 256"  "bad-ha-priority-256.yaml:15:49" "allowed: 1 to 255"  -- check "$data/bad-ha-priority-256.yaml"
expect_bad "nopreempt, MASTER"  "bad-ha-nopreempt-master.yaml:15:78" "ignores nopreempt" -- check "$data/bad-ha-nopreempt-master.yaml"
expect_bad "preempt_delay, MASTER" "bad-ha-preempt-delay-master.yaml:15:84" "write state: BACKUP" -- check "$data/bad-ha-preempt-delay-master.yaml"
expect_bad "v2 advert_int 1.5s" "bad-ha-advert-int.yaml:18:15" "version: 3 for centiseconds" -- check "$data/bad-ha-advert-int.yaml"
expect_bad "ha key typo"        "bad-ha-key.yaml:17:3"   "advert_int"               -- check "$data/bad-ha-key.yaml"
expect_bad "unknown director"   "bad-ha-director-name.yaml:19:15" "did you mean 'lvs1'" -- check "$data/bad-ha-director-name.yaml"
expect_bad "vrrp verb"          "bad-ha-vrrp-verb.yaml:19:11" "known: partition, heal" -- check "$data/bad-ha-vrrp-verb.yaml"
expect_bad "on: without a pair" "bad-ha-on-without-pair.yaml:16:9" "add an ha: or a fleet: section" -- check "$data/bad-ha-on-without-pair.yaml"
expect_bad "sync_threshold 50 3" "bad-ha-sync-threshold.yaml:8:21" "must be below the period (3)" -- check "$data/bad-ha-sync-threshold.yaml"
expect_bad "three directors"    "bad-ha-three-directors.yaml:17:7" "models a pair (two)" -- check "$data/bad-ha-three-directors.yaml"
# A fleet behind ECMP: the group, its next hops and addresses, the timeline's names and verbs.
expect_bad "fleet one director" "bad-fleet-one-director.yaml:15:5" "lists two or more directors" -- check "$data/bad-fleet-one-director.yaml"
expect_bad "fleet and ha"       "bad-fleet-with-ha.yaml:14:3" "not both"                 -- check "$data/bad-fleet-with-ha.yaml"
expect_bad "fleet NAT rule"     "bad-fleet-nat-rule.yaml:6:5" "write -g (direct routing) or -i" -- run "$data/bad-fleet-nat-rule.yaml"
expect_bad "fleet NAT timeline" "bad-fleet-nat-timeline.yaml:20:14" "not NAT (-m)"       -- check "$data/bad-fleet-nat-timeline.yaml"
expect_bad "fleet same address" "bad-fleet-same-address.yaml:17:30" "give this one its own" -- check "$data/bad-fleet-same-address.yaml"
expect_bad "fleet realserver's address" "bad-fleet-realserver-address.yaml:16:30" "is a realserver's" -- check "$data/bad-fleet-realserver-address.yaml"
expect_bad "fleet next address taken" "bad-fleet-auto-address.yaml:19:7" "10.0.0.2 is a realserver's" -- check "$data/bad-fleet-auto-address.yaml"
expect_bad "fleet VIP address"  "bad-fleet-vip-address.yaml:16:30" "is a VIP"            -- check "$data/bad-fleet-vip-address.yaml"
expect_bad "nexthop weight 0"   "bad-fleet-weight-0.yaml:16:29" "allowed: 1 to 256"     -- check "$data/bad-fleet-weight-0.yaml"
expect_bad "nexthop weight 257" "bad-fleet-weight-257.yaml:15:29" "allowed: 1 to 256"   -- run "$data/bad-fleet-weight-257.yaml"
expect_bad "fleet none joined"  "bad-fleet-none-joined.yaml:15:5" "leave joined: out"   -- check "$data/bad-fleet-none-joined.yaml"
expect_bad "fleet hash l5"      "bad-fleet-hash.yaml:18:9" "known: l3, l4"              -- check "$data/bad-fleet-hash.yaml"
expect_bad "fleet key typo"     "bad-fleet-key.yaml:18:3" "did you mean 'hash'"         -- check "$data/bad-fleet-key.yaml"
expect_bad "fleet director key" "bad-fleet-director-key.yaml:16:21" "did you mean 'weight'" -- check "$data/bad-fleet-director-key.yaml"
expect_bad "fleet director name" "bad-fleet-director-name.yaml:20:15" "did you mean 'node3'" -- check "$data/bad-fleet-director-name.yaml"
expect_bad "fleet: a pair's verb" "bad-fleet-stop.yaml:21:13" "known: leave, join, crash, start" -- check "$data/bad-fleet-stop.yaml"
expect_bad "fleet: vrrp entry"  "bad-fleet-vrrp.yaml:20:11" "runs no VRRP"              -- check "$data/bad-fleet-vrrp.yaml"
expect_bad "fleet: on unknown"  "bad-fleet-on.yaml:21:9" "no director named 'node9'"    -- run "$data/bad-fleet-on.yaml"
# Limits (issue 18): each names the option or the place, and the limit.
expect_bad "nesting too deep"   "bad-nesting.yaml:3:74" "deeper than 64 levels" -- check "$data/bad-nesting.yaml"
expect_bad "negative seed"      "--seed -1"            "a whole number from 0"    -- run "$data/good.yaml" --seed -1
expect_bad "snapshot past end"  "--snapshot-at 1000s"  "after the run ends"       -- run "$data/good.yaml" --snapshot-at 1000s
expect_bad "bandwidth overflow" "--set network.bandwidth=99999999999Gbit" "limit of 1000Gbit" -- check "$data/good.yaml" --set network.bandwidth=99999999999Gbit
expect_bad "size of 4 GiB"      "--set network.queue=5GB" "under 4 GiB"           -- check "$data/good.yaml" --set network.queue=5GB
expect_bad "which --set"        "--set network.queue=5GB" "under 4 GiB"           -- check "$data/good.yaml" --set network.rtt=30ms --set network.queue=5GB --set seed=2
expect_bad "run too large"      "--allow-large-run"    "would take about"         -- run "$data/good.yaml" --set duration=100000h
expect_bad "sweep too large"    "lvsim sweep"          "limit is 100000"          -- sweep "$data/good.yaml" --vary seed=1,2 -r 1000000000
expect_bad "pcap into nowhere"  "--pcap: cannot write /nonexistent/x.pcap" "No such file" -- run "$data/good.yaml" --pcap /nonexistent/x.pcap

# Outputs that never lie: a full disk is exit 74 naming the path; nothing is left behind.
out=$("$lvsim" run "$data/good.yaml" --quiet --json /dev/full 2>&1 >/dev/null); rc=$?
if [ "$rc" -eq 74 ] && [[ "$out" == *"--json: writing /dev/full failed"* ]]; then echo "ok   full disk: $out"
else echo "FAIL full disk: exit $rc ($out)"; fail=1; fi
out=$("$lvsim" run "$data/good.yaml" 2>&1 >/dev/full); rc=$?
if [ "$rc" -eq 74 ]; then echo "ok   stdout on a full disk: $out"; else echo "FAIL stdout on a full disk: exit $rc"; fail=1; fi
tmp=$(mktemp -d)
"$lvsim" run "$data/good.yaml" --quiet --json "$tmp/r.json" --trace "$tmp/t.jsonl"
if [ "$(ls -A "$tmp" | sort | tr '\n' ' ')" = "r.json t.jsonl " ] && grep -q '"complete": true' "$tmp/r.json"; then
  echo "ok   outputs in place, no temporary files left"
else echo "FAIL outputs: $(ls -A "$tmp")"; fail=1; fi
rm -rf "$tmp"
exit $fail
