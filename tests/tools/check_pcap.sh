#!/usr/bin/env bash
# Reads the sample capture with tshark and checks that it shows what the model sent: the
# three-way handshake, the data, the FIN exchange and the RST from the closed port.
set -euo pipefail
sample=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$sample" "$out/s.pcap" >/dev/null
fields=$(tshark -r "$out/s.pcap" -T fields -e ip.src -e ip.dst -e tcp.srcport -e tcp.dstport -e tcp.flags -e tcp.len 2>/dev/null)
echo "$fields"
fail() { echo "check_pcap: $*" >&2; exit 1; }
# tcp.flags is hex: FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10.
has() { awk -F'\t' "$1" <<<"$fields" | grep -q .; }
has '$1=="10.0.0.1" && $4=="80" && $5=="0x0002"' || fail "no SYN from the client"
has '$1=="10.0.0.2" && $3=="80" && $5=="0x0012"' || fail "no SYN-ACK from the server"
has '$1=="10.0.0.1" && $4=="80" && $5=="0x0010" && $6=="0"' || fail "no ACK completing the handshake"
has '$1=="10.0.0.2" && $3=="80" && $6+0 > 0' || fail "no data from the server"
has '$1=="10.0.0.1" && $4=="80" && $5=="0x0011"' || fail "no FIN from the client"
has '$1=="10.0.0.2" && $3=="80" && $5=="0x0011"' || fail "no FIN from the server"
has '$1=="10.0.0.2" && $3=="81" && $5=="0x0014"' || fail "no RST from the closed port"
# Every frame must parse without expert errors about malformed headers or bad checksums.
if tshark -r "$out/s.pcap" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -Y "_ws.malformed || ip.checksum.status == 0 || tcp.checksum.status == 0" 2>/dev/null | grep -q .; then
  fail "malformed frames or bad checksums"
fi
echo "check_pcap: handshake, data, FIN exchange and RST present"
