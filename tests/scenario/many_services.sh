#!/usr/bin/env bash
# Set-up scales: 100,000 virtual services (each with a realserver) load, check and run in
# seconds. The service and VIP lookups used to be linear scans: 40,000 services took 6.5 s
# to check and 100,000 about a minute; ctest's TIMEOUT on this test catches a return to that.
# usage: many_services.sh LVSIM
set -euo pipefail
lvsim=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{
  printf 'name: many-services\nduration: 5s\ndirector:\n  rules: |\n'
  awk 'BEGIN { for (i = 0; i < 100000; i++) {
                 vip = sprintf("10.%d.%d.%d:80", int(i / 65536) % 256, int(i / 256) % 256, i % 256)
                 printf "    -A -t %s -s wlc\n    -a -t %s -r 192.168.10.11:80 -m -w 1\n", vip, vip } }'
  printf 'realservers:\n  - {name: rs1, address: 192.168.10.11, server: nginx}\n'
  printf 'clients:\n  - name: users\n    browser: chrome\n    target: 10.1.134.159:80\n'
  printf '    page: {html: 1kB, objects: 0}\n    schedule: {times: [1s]}\n'
  printf 'expect:\n  - {at: end, that: users.pages_completed == 1 && servers.requests == 1}\n'
} > "$tmp/services.yaml"
"$lvsim" check "$tmp/services.yaml"
"$lvsim" run "$tmp/services.yaml" --quiet
echo "ok: 100,000 services checked and run"
