#!/usr/bin/env bash
# The packet sequences of lessons 12, 13, 17 and 21 as tshark reads them from lvsim's pcaps:
#  - a keep-alive close is three packets: FIN, FIN+ACK from the other side, ACK (experiments 1, 2);
#  - SYNs into a black hole go out at the measured times (experiment 3 and 3b);
#  - a killed server sends a FIN then a RST for data; SO_LINGER 0 a lone RST (experiment 6);
#  - a lost segment: SYNs with MSS, SACK-permitted and window scale 7, SACKed duplicate ACKs,
#    the fast retransmission at the third, and one cumulative ACK after it.
# usage: check_lesson_pcaps.sh LVSIM SCENARIO_DIR
set -euo pipefail
lvsim=$1
dir=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "check_lesson_pcaps: $*" >&2; exit 1; }

"$lvsim" run -q "$dir/12-tcp-close-packets.yaml" --pcap "$out/12.pcap"
# The last three frames of each conversation: "source flags" with tcp.flags in hex
# (FIN 0x01, ACK 0x10: 0x011 is FIN+ACK, 0x010 a pure ACK).
close_of() {
  tshark -r "$out/12.pcap" -Y "ip.addr==$1" -T fields -e ip.src -e tcp.flags 2>/dev/null | tail -3 | tr '\t' ' ' | paste -sd,
}
rs1=$(close_of 192.168.10.11)
rs2=$(close_of 192.168.10.12)
echo "rs1 close: $rs1"
echo "rs2 close: $rs2"
[ "$rs1" = "192.168.10.11 0x0011,172.16.0.1 0x0011,192.168.10.11 0x0010" ] || fail "rs1's close is not FIN, FIN+ACK, ACK"
[ "$rs2" = "172.16.0.2 0x0011,192.168.10.12 0x0011,172.16.0.2 0x0010" ] || fail "rs2's close is not FIN, FIN+ACK, ACK"

"$lvsim" run -q "$dir/13-syn-black-hole.yaml" --pcap "$out/13.pcap"
syns() {
  tshark -r "$out/13.pcap" -Y "ip.src==$1 && tcp.flags==0x002" -T fields -e frame.time_epoch 2>/dev/null |
    awk '{ printf "%s%.2f", (NR > 1 ? " " : ""), $1 - 1 }'
}
linear=$(syns 172.16.0.1)
classic=$(syns 172.16.0.2)
echo "linear SYNs:  $linear"
echo "classic SYNs: $classic"
# Linux 6.18 measured +1.03 +2.05 +3.07 +4.10 +5.12 +7.14 +11.23 +19.43 +35.55 +68.07, and
# +1.02 +3.04 +7.13 +15.33 +31.45 +63.97 with tcp_syn_linear_timeouts=0.
[ "$linear" = "0.00 1.02 2.05 3.07 4.10 5.12 7.14 11.23 19.42 35.55 68.06" ] || fail "linux-6 SYN times differ"
[ "$classic" = "0.00 1.02 3.04 7.14 15.33 31.46 63.97" ] || fail "classic SYN times differ"

"$lvsim" run -q "$dir/17-other-side-goes-away.yaml" --pcap "$out/17.pcap"
after_2s() {
  tshark -r "$out/17.pcap" -Y "ip.addr==$1 && frame.time_epoch >= 2" -T fields -e ip.src -e tcp.flags -e tcp.len 2>/dev/null |
    tr '\t' ' ' | paste -sd,
}
killed=$(after_2s 192.168.10.11)
linger0=$(after_2s 192.168.10.13)
echo "killed server:     $killed"
echo "SO_LINGER 0 close: $linger0"
# Killed: FIN from the server's kernel, the client's delayed ACK, the client's data, a RST.
[ "$killed" = "192.168.10.11 0x0011 0,172.16.0.1 0x0010 0,172.16.0.1 0x0018 69,192.168.10.11 0x0004 0" ] ||
  fail "the killed server's packets differ"
# SO_LINGER 0: one RST+ACK, no FIN, and the client's send put nothing on the wire.
[ "$linger0" = "192.168.10.13 0x0014 0" ] || fail "the SO_LINGER 0 close's packets differ"

"$lvsim" run -q "$dir/21-one-lost-segment.yaml" --pcap "$out/21.pcap"
syn=$(tshark -r "$out/21.pcap" -Y "ip.dst==192.168.10.11 && tcp.flags==0x002" -T fields -e tcp.window_size_value \
  -e tcp.options.mss_val -e tcp.options.sack_perm -e tcp.options.wscale.shift 2>/dev/null | tr '\t' ' ')
echo "client SYN (win mss sack_perm wscale): $syn"
case "$syn" in "64240 1460 "*" 7") ;; *) fail "the SYN's window or options differ" ;; esac
# The browser's duplicate ACKs toward rs1: cumulative ACK stays at 2921, the SACK block grows.
dup=$(tshark -r "$out/21.pcap" -Y "ip.dst==192.168.10.11 && tcp.analysis.duplicate_ack" -T fields -e tcp.ack \
  -e tcp.options.sack_le -e tcp.options.sack_re 2>/dev/null | head -3 | tr '\t' ' ' | paste -sd,)
echo "first duplicate ACKs (ack sle sre): $dup"
[ "$dup" = "2921 4381 5841,2921 4381 7301,2921 4381 8761" ] || fail "the SACKed duplicate ACKs differ"
rexmit=$(tshark -r "$out/21.pcap" -Y "ip.src==192.168.10.11 && tcp.analysis.fast_retransmission" -T fields \
  -e tcp.seq 2>/dev/null | paste -sd,)
echo "fast retransmission of seq: $rexmit"
[ "$rexmit" = "2921" ] || fail "segment 3 (seq 2921) was not fast-retransmitted once"
echo "check_lesson_pcaps: closes of three packets, SYN retransmissions at the measured times, kill and linger 0, a SACK recovery"
