package io.jstack.conformance;

import io.jstack.wire.Ipv4Address;
import java.util.List;

/**
 * A non-TCP packet line as written (format in {@code src/test/resources/conformance/README.md}): an ICMP echo,
 * an ICMP message, a UDP datagram or a raw IPv4 payload, with IPv4 header fields and an optional fragment range.
 * {@code null} fields are defaults when injected and wildcards when expected.
 *
 * @param kind     what the transport bytes are
 * @param type     ICMP type ({@link Kind#ICMP})
 * @param code     ICMP code ({@link Kind#ICMP})
 * @param id       ICMP echo identifier (default: the script's peer port)
 * @param seq      ICMP echo sequence number
 * @param len      data bytes after the ICMP or UDP header, or the raw payload length
 * @param pointer  expected Parameter Problem: the pointer (RFC 792), an offset in the quoted header
 * @param fill     every data byte has this value (default when injected: byte i is {@code i & 0xff})
 * @param quote    expected ICMP errors: check that the quote is the last datagram the peer injected; injected
 *                 ICMP messages ({@code quotelast}): carry the IPv4 header and first 8 data bytes of the last
 *                 packet the stack sent, as an error about it would
 * @param ip       IPv4 header fields
 * @param udp      UDP header lies
 * @param frag     a fragment: bytes [start, end) of the transport message; null for a whole datagram
 */
record IpSpec(Kind kind, Integer type, Integer code, Integer id, Integer seq, Integer len, Integer pointer, Integer fill,
              boolean quote, boolean quoteLast, Ip ip, Udp udp, Frag frag) {
    enum Kind { ECHO, ECHO_REPLY, ICMP, UDP, RAW }

    /**
     * IPv4 header fields (RFC 791 §3.1) and variations. {@code ipid} is relative: the harness adds a per-script
     * base so that nothing one script leaves behind (a reassembly timeout) can be taken for another's.
     */
    record Ip(Integer ttl, Integer tos, Integer version, Integer ihl, Integer totalLength, int pad, boolean badSum,
              int ipid, boolean df, byte[] options, Integer src, Integer dst, Integer protocol) {}

    /** UDP variations (RFC 768): a corrupted or zero checksum, other ports, a lying length field. */
    record Udp(boolean badSum, boolean zeroSum, Integer srcPort, Integer dstPort, Integer length) {}

    /** Bytes [start, end) of the transport message; {@code mf} forces More Fragments on the last piece. */
    record Frag(int start, int end, boolean mf) {}

    /** ICMP names for types and codes (RFC 792). */
    static final List<String[]> ICMP_NAMES = List.of(
            new String[] {"unreach", "3"}, new String[] {"timeexceeded", "11"}, new String[] {"paramproblem", "12"},
            new String[] {"quench", "4"}, new String[] {"redirect", "5"});

    static IpSpec parse(String s, boolean inject) {
        String[] w = s.strip().split("\\s+");
        int i = 0;
        Kind kind;
        Integer type = null, code = null;
        Integer udpLen = null;
        if (w[0].equals("udp")) {
            kind = Kind.UDP;
            i = 1;
            if (w.length > 1 && w[1].matches("\\d+")) udpLen = Integer.parseInt(w[i++]); // "udp N": N data bytes
        } else if (w[0].equals("ip")) {
            kind = Kind.RAW;
            i = 1;
        } else if (w[0].equals("icmp")) {
            String t = w[1];
            i = 2;
            switch (t) {
                case "echo" -> kind = Kind.ECHO;
                case "echoreply" -> kind = Kind.ECHO_REPLY;
                case "raw" -> {
                    kind = Kind.ICMP;
                    type = Integer.parseInt(w[2]);
                    code = Integer.parseInt(w[3]);
                    i = 4;
                }
                default -> {
                    kind = Kind.ICMP;
                    type = icmpType(t);
                    code = w.length > 2 ? icmpCode(type, w[2]) : null;
                    i = 3;
                }
            }
        } else {
            throw new IllegalArgumentException("unknown packet '" + w[0] + "'");
        }
        Integer id = null, seq = null, len = udpLen, fill = null, pointer = null;
        Integer ttl = null, tos = null, version = null, ihl = null, tlen = null, src = null, dst = null, proto = null;
        Integer sport = null, dport = null, ulen = null;
        int pad = 0, ipid = 0;
        boolean badIpSum = false, df = false, badSum = false, zeroSum = false, quote = !inject;
        boolean quoteLast = false;
        byte[] options = null;
        Frag frag = null;
        boolean mf = false;
        for (; i < w.length; i++) {
            String k = w[i];
            switch (k) {
                case "id" -> id = Integer.parseInt(w[++i]);
                case "seq" -> seq = Integer.parseInt(w[++i]);
                case "ptr" -> pointer = Integer.parseInt(w[++i]);
                case "len" -> len = Integer.parseInt(w[++i]);
                case "data" -> fill = Integer.decode(w[++i]);
                case "ttl" -> ttl = Integer.parseInt(w[++i]);
                case "tos" -> tos = Integer.parseInt(w[++i]);
                case "ver" -> version = Integer.parseInt(w[++i]);
                case "ihl" -> ihl = Integer.parseInt(w[++i]);
                case "tlen" -> tlen = Integer.parseInt(w[++i]);
                case "pad" -> pad = Integer.parseInt(w[++i]);
                case "ipid" -> ipid = Integer.parseInt(w[++i]);
                case "proto" -> proto = Integer.parseInt(w[++i]);
                case "src" -> src = Ipv4Address.parse(w[++i]).value();
                case "dst" -> dst = Ipv4Address.parse(w[++i]).value();
                case "tobcast" -> dst = Target.SUBNET_BROADCAST;
                case "tolbcast" -> dst = Target.LIMITED_BROADCAST;
                case "frombcast" -> src = Target.LIMITED_BROADCAST;
                case "badipsum" -> badIpSum = true;
                case "df" -> df = true;
                case "ipopts" -> options = new byte[] {1, 1, 1, 0}; // NOP, NOP, NOP, EOL
                case "ipopt" -> options = options(w[++i]);
                case "badsum" -> badSum = true;
                case "nosum" -> zeroSum = true;
                case "sport" -> sport = Integer.parseInt(w[++i]);
                case "dport" -> dport = Integer.parseInt(w[++i]);
                case "ulen" -> ulen = Integer.parseInt(w[++i]);
                case "mf" -> mf = true;
                case "noquote" -> quote = false;
                case "quotelast" -> quoteLast = true;
                case "frag" -> {
                    String[] ab = w[++i].split(":");
                    frag = new Frag(Integer.parseInt(ab[0]), Integer.parseInt(ab[1]), false);
                    if (frag.start() % 8 != 0 || frag.end() <= frag.start()) {
                        throw new IllegalArgumentException("fragment offsets must be multiples of 8, start < end");
                    }
                }
                default -> throw new IllegalArgumentException("unknown field '" + k + "'");
            }
        }
        if (frag != null && mf) frag = new Frag(frag.start(), frag.end(), true);
        if (kind == Kind.RAW && proto == null) throw new IllegalArgumentException("ip needs proto N");
        if (inject && (kind == Kind.ECHO_REPLY)) throw new IllegalArgumentException("the peer sends echo, not echoreply");
        if (!inject && (kind == Kind.ECHO || frag != null || kind == Kind.RAW)) {
            throw new IllegalArgumentException("expected packets are echoreply, ICMP messages or udp");
        }
        return new IpSpec(kind, type, code, id, seq, len, pointer, fill, quote, quoteLast,
                new Ip(ttl, tos, version, ihl, tlen, pad, badIpSum, ipid, df, options, src, dst, proto),
                new Udp(badSum, zeroSum, sport, dport, ulen), frag);
    }

    /** {@code ipopt 0x0704...}: raw option bytes, padded with zeros (EOL) to a multiple of 4. */
    private static byte[] options(String hex) {
        String h = hex.startsWith("0x") ? hex.substring(2) : hex;
        byte[] b = new byte[(h.length() / 2 + 3) / 4 * 4];
        for (int k = 0; k < h.length() / 2; k++) b[k] = (byte) Integer.parseInt(h.substring(2 * k, 2 * k + 2), 16);
        if (b.length > 40) throw new IllegalArgumentException("at most 40 bytes of options");
        return b;
    }

    private static int icmpType(String name) {
        for (String[] n : ICMP_NAMES) if (n[0].equals(name)) return Integer.parseInt(n[1]);
        return Integer.parseInt(name);
    }

    /** Codes by name: unreach net/host/proto/port/needfrag, timeexceeded ttl/reasm; or a number. */
    private static int icmpCode(int type, String name) {
        return switch (type + " " + name) {
            case "3 net" -> 0;
            case "3 host" -> 1;
            case "3 proto" -> 2;
            case "3 port" -> 3;
            case "3 needfrag" -> 4;
            case "11 ttl" -> 0;
            case "11 reasm" -> 1;
            default -> Integer.parseInt(name);
        };
    }

    static String icmpName(int type, int code) {
        return switch (type + " " + code) {
            case "0 0" -> "echoreply";
            case "8 0" -> "echo";
            case "3 0" -> "unreach net";
            case "3 1" -> "unreach host";
            case "3 2" -> "unreach proto";
            case "3 3" -> "unreach port";
            case "3 4" -> "unreach needfrag";
            case "11 0" -> "timeexceeded ttl";
            case "11 1" -> "timeexceeded reasm";
            case "12 0" -> "paramproblem 0";
            default -> "raw " + type + " " + code;
        };
    }
}
