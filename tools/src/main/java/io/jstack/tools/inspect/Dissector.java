package io.jstack.tools.inspect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decodes frames one after the other, in capture order, keeping the state Wireshark keeps on its first pass: IPv4
 * fragments awaiting reassembly, ICMP echo requests awaiting replies, TCP streams (relative sequence numbers,
 * window scaling, analysis), HTTP messages split across segments. Every read is bounded; a frame that ends too early
 * is marked {@code [Malformed Packet]}, never thrown out of {@link #dissect}.
 */
public final class Dissector {
    static final int MAX_FRAGMENTED_DATAGRAMS = 1024;
    private static final java.time.format.DateTimeFormatter ARRIVAL =
            java.time.format.DateTimeFormatter.ofPattern("MMM d, yyyy HH:mm:ss.nnnnnnnnn", java.util.Locale.ROOT).withZone(java.time.ZoneOffset.UTC);
    private long firstTs = Long.MIN_VALUE;
    private final Map<String, Fragments> fragments = new HashMap<>();
    private final Map<String, Integer> echoRequests = new HashMap<>();
    final TcpTracker tcp = new TcpTracker();
    /** What a first pass learned about later frames (tshark -2); null in single-pass mode. */
    private final FirstPass hints;
    /** Filled during this pass, for a second one. */
    final FirstPass learned = new FirstPass();

    /** Links from earlier frames to later ones, which only a second pass can print. */
    public static final class FirstPass {
        final Map<Integer, Integer> replyIn = new HashMap<>();
        final Map<Integer, Integer> reassembledIn = new HashMap<>();
    }

    public Dissector() {
        this(null);
    }

    /** A second-pass dissector that prints the links {@code hints} found (tshark -2). */
    public Dissector(FirstPass hints) {
        this.hints = hints;
    }

    private int tunnelDepth;

    /** Decodes frame {@code number} (1-based). */
    public Packet dissect(Frame f, int number) {
        tunnelDepth = 0;
        Packet p = new Packet(number, f);
        if (firstTs == Long.MIN_VALUE) firstTs = f.tsNanos();
        p.relNanos = f.tsNanos() - firstTs;
        p.field("frame.number", number);
        p.field("frame.time_relative", Format.seconds(p.relNanos, 9));
        p.field("frame.len", f.origLen());
        Node fn = new Node(String.format("Frame %d: %d bytes on wire (%d bits), %d bytes captured (%d bits)", number,
                f.origLen(), f.origLen() * 8L, f.data().length, f.data().length * 8L));
        fn.add("Link type: " + linkName(f.linkType()) + " (" + f.linkType() + ")");
        fn.add("Arrival Time: " + ARRIVAL.format(java.time.Instant.ofEpochSecond(Math.floorDiv(f.tsNanos(), 1_000_000_000L),
                Math.floorMod(f.tsNanos(), 1_000_000_000L))) + " UTC");
        fn.add("Epoch Time: " + Format.seconds(f.tsNanos(), 9) + " seconds");
        fn.add("[Time since reference or first frame: " + Format.seconds(p.relNanos, 9) + " seconds]");
        fn.add("Frame Number: " + number);
        fn.add("Frame Length: " + f.origLen() + " bytes");
        fn.add("Capture Length: " + f.data().length + " bytes");
        p.tree.add(fn);
        Bytes b = Bytes.of(f.data());
        try {
            link(p, f.linkType(), b);
            fn.add("[Protocols in frame: " + String.join(":", p.layers) + "]");
        } catch (Bytes.Truncated t) {
            fn.add("[Protocols in frame: " + String.join(":", p.layers) + "]");
            malformed(p);
        } catch (RuntimeException e) { // a decoder bug must not end the run: show it like a dissector exception
            p.malformed = true;
            p.info.append("[Dissector bug: ").append(e).append(']');
            p.tree.add(new Node("[Dissector bug: " + e + "]"));
        }
        return p;
    }

    private static void malformed(Packet p) {
        p.malformed = true;
        p.info.append("[Malformed Packet]");
        p.tree.add(new Node("[Malformed Packet: " + p.protocol + "]"));
    }

    static String linkName(int linkType) {
        return switch (linkType) {
            case 1 -> "Ethernet";
            case 101 -> "Raw IP";
            case 113 -> "Linux cooked-mode capture v1";
            case 228 -> "Raw IPv4";
            default -> "Unknown";
        };
    }

    private void link(Packet p, int linkType, Bytes b) {
        switch (linkType) {
            case 1 -> {
                p.layer("eth");
        Node n = new Node("Ethernet II, Src: " + mac(b, 6) + ", Dst: " + mac(b, 0));
                p.tree.add(n);
                p.protocol = "ETH";
                p.src = mac(b, 6);
                p.dst = mac(b, 0);
                n.add("Destination: " + p.dst);
                n.add("Source: " + p.src);
                int type = b.u16(12), off = 14;
                while (type == 0x8100 || type == 0x88a8) { // IEEE 802.1Q tags
                    n.add(String.format("802.1Q Virtual LAN, ID: %d", b.u16(off) & 0x0fff));
                    type = b.u16(off + 2);
                    off += 4;
                }
                n.add(String.format("Type: %s (0x%04x)", etherName(type), type));
                etherType(p, type, b.from(off));
            }
            case 113 -> {
                p.layer("sll");
        Node n = new Node("Linux cooked capture v1");
                p.tree.add(n);
                p.protocol = "SLL";
                n.add("Packet type: " + b.u16(0));
                n.add("Link-layer address type: " + b.u16(2));
                int type = b.u16(14);
                n.add(String.format("Protocol: %s (0x%04x)", etherName(type), type));
                etherType(p, type, b.from(16));
            }
            case 101 -> {
                p.layer("raw");
        p.tree.add(new Node("Raw packet data"));
                p.info.append("Raw packet data");
                int version = b.u8(0) >>> 4;
                if (version == 4) ipv4(p, b, false);
                else if (version == 6) ipv6(p, b);
            }
            case 228 -> ipv4(p, b, false);
            default -> {
                p.tree.add(new Node("Link type " + linkType + " is not decoded"));
                p.info.append("Link type ").append(linkType).append(" (not decoded)");
            }
        }
    }

    private void etherType(Packet p, int type, Bytes b) {
        switch (type) {
            case 0x0800 -> ipv4(p, b, false);
            case 0x86dd -> ipv6(p, b);
            case 0x0806 -> {
                p.protocol = "ARP";
                p.info.setLength(0);
                int op = b.u16(6);
                String spa = b.ipv4(14), tpa = b.ipv4(24);
                p.info.append(op == 1 ? "Who has " + tpa + "? Tell " + spa : op == 2 ? spa + " is at " + mac(b, 8) : "ARP opcode " + op);
                p.tree.add(new Node("Address Resolution Protocol (" + (op == 1 ? "request" : op == 2 ? "reply" : op) + ")"));
            }
            default -> p.info.setLength(0);
        }
    }

    static String etherName(int type) {
        return switch (type) {
            case 0x0800 -> "IPv4";
            case 0x86dd -> "IPv6";
            case 0x0806 -> "ARP";
            default -> "Unknown";
        };
    }

    private static String mac(Bytes b, int off) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 6; i++) s.append(i == 0 ? "" : ":").append(String.format("%02x", b.u8(off + i)));
        return s.toString();
    }

    private void ipv6(Packet p, Bytes b) {
        // IPv6 is outside this tool's scope (jstack speaks IPv4); show the addresses and the next header only.
        p.layer("ipv6");
        p.protocol = "IPv6";
        p.info.setLength(0);
        if (b.length() >= 24) p.src = Dns.ipv6(groups(b, 8));
        if (b.length() < 40) {
            p.info.append("Invalid IPv6 header (").append(b.length()).append(" bytes, need exactly 40)");
            throw Bytes.Truncated.INSTANCE;
        }
        p.dst = Dns.ipv6(groups(b, 24));
        p.info.append("IPv6 next header ").append(b.u8(6)).append(" (not decoded)");
        p.tree.add(new Node("Internet Protocol Version 6, Src: " + p.src + ", Dst: " + p.dst));
    }

    private static int[] groups(Bytes b, int off) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = b.u16(off + 2 * i);
        return g;
    }

    // ---------------------------------------------------------------------------------------------------------
    // IPv4, RFC 791 §3.1. Fields are added in header order until a read fails, as Wireshark does.

    private void ipv4(Packet p, Bytes b, boolean inner) {
        if (!inner) {
            p.protocol = "IPv4";
            p.info.setLength(0);
        }
        Node n = new Node("Internet Protocol Version 4");
        p.tree.add(n);
        int verIhl = b.u8(0);
        int hlen = (verIhl & 0x0f) * 4;
        if (verIhl >>> 4 != 4) { // RFC 791 §3.1: version 4 only
            p.tree.set(p.tree.indexOf(n), new Node("Internet Protocol, bogus version (" + (verIhl >>> 4) + ")"));
            if (!inner) {
                p.protocol = "IP";
                p.info.append("Bogus IP version (").append(verIhl >>> 4).append(')');
            }
            return;
        }
        p.layer("ip");
        n.add(String.format("%s = Version: %d", bits(verIhl >>> 4, 4, 8, 4), verIhl >>> 4));
        n.add(String.format("%s = Header Length: %d bytes (%d)", bits(verIhl & 15, 4, 8, 0), hlen, hlen / 4));
        if (hlen < 20) {
            n.add("[Bogus IP header length (" + hlen + ", must be at least 20)]");
            if (!inner) p.info.append("Bogus IP header length (").append(hlen).append(", must be at least 20)");
            return;
        }
        int tos = b.u8(1);
        n.add(String.format("Differentiated Services Field: 0x%02x (DSCP: %d, ECN: %d)", tos, tos >>> 2, tos & 3));
        int total = b.u16(2);
        p.field("ip.len", total);
        n.add("Total Length: " + total);
        if (total < hlen) {
            n.add("[Bogus IP length (" + total + ", less than header length " + hlen + ")]");
            if (!inner) p.info.append("Bogus IP length (").append(total).append(", less than header length ").append(hlen).append(')');
            return;
        }
        int id = b.u16(4);
        p.field("ip.id", String.format("0x%04x", id));
        n.add(String.format("Identification: 0x%04x (%d)", id, id));
        int fl = b.u16(6);
        boolean df = (fl & 0x4000) != 0, mf = (fl & 0x2000) != 0;
        int fragOff = fl & 0x1fff;
        p.field("ip.flags.df", df ? 1 : 0);
        p.field("ip.flags.mf", mf ? 1 : 0);
        Node flags = n.add(String.format("%s = Flags: 0x%x%s", bits(fl >>> 13, 3, 8, 5), fl >>> 13, df ? ", Don't fragment" : mf ? ", More fragments" : ""));
        flags.add(String.format("%s = Reserved bit: %s", bits(fl >>> 15, 1, 8, 7), (fl & 0x8000) != 0 ? "Set" : "Not set"));
        flags.add(String.format("%s = Don't fragment: %s", bits(df ? 1 : 0, 1, 8, 6), df ? "Set" : "Not set"));
        flags.add(String.format("%s = More fragments: %s", bits(mf ? 1 : 0, 1, 8, 5), mf ? "Set" : "Not set"));
        p.field("ip.frag_offset", fragOff);
        n.add(String.format("%s = Fragment Offset: %d", bits(fragOff, 13, 16, 0), fragOff * 8));
        int ttl = b.u8(8);
        p.field("ip.ttl", ttl);
        n.add("Time to Live: " + ttl);
        int proto = b.u8(9);
        p.field("ip.proto", proto);
        n.add("Protocol: " + protoName(proto) + " (" + proto + ")");
        int sum = b.u16(10);
        String src = b.ipv4(12), dst = b.ipv4(16);
        if (hlen > b.length()) throw Bytes.Truncated.INSTANCE;
        boolean sumOk = b.slice(0, hlen).checksum(0) == 0;
        n.add(String.format("Header Checksum: 0x%04x [correct: %s]", sum, sumOk ? "yes" : "no"));
        n.add("[Header checksum status: " + (sumOk ? "Good" : "Bad") + "]");
        p.field("ip.src", src);
        n.add("Source Address: " + src);
        p.field("ip.dst", dst);
        n.add("Destination Address: " + dst);
        if (hlen > 20) n.add("Options: (" + (hlen - 20) + " bytes)");
        if (!inner) {
            p.src = src;
            p.dst = dst;
        }
        String title = "Internet Protocol Version 4, Src: " + src + ", Dst: " + dst;
        p.tree.set(p.tree.indexOf(n), new Node(title, n.children()));
        if (total < hlen) {
            n.children().add(new Node("[Bogus IP length (" + total + ", less than header length " + hlen + ")]"));
            if (!inner) p.info.append("Bogus IP length (").append(total).append(", less than header length ").append(hlen).append(')');
            return;
        }
        Bytes payload = b.slice(hlen, total - hlen);
        if (!inner && (mf || fragOff != 0)) {
            Bytes whole = reassemble(p, src, dst, id, proto, fragOff * 8, mf, payload);
            if (whole == null) {
                p.info.append(String.format("Fragmented IP protocol (proto=%s %d, off=%d, ID=%04x)", protoName(proto), proto, fragOff * 8, id));
                Integer in = hints == null ? null : hints.reassembledIn.get(p.number);
                if (in != null) {
                    p.info.append(" [Reassembled in #").append(in).append(']');
                    n.add("[Reassembled IPv4 in frame: " + in + "]");
                }
                return;
            }
            payload = whole;
        }
        transport(p, proto, payload, total, inner, src, dst, ttl);
    }

    private static final class Fragments {
        final TreeMap<Integer, byte[]> parts = new TreeMap<>();
        final List<Integer> frames = new ArrayList<>();
        int totalLen = -1;
    }

    /** RFC 791 §3.2 reassembly: returns the whole datagram's payload when this fragment completes it. */
    private Bytes reassemble(Packet p, String src, String dst, int id, int proto, int off, boolean mf, Bytes part) {
        String key = src + ">" + dst + "#" + id + "/" + proto;
        Fragments fr = fragments.get(key);
        if (fr == null) {
            if (fragments.size() >= MAX_FRAGMENTED_DATAGRAMS) fragments.clear();
            fr = new Fragments();
            fragments.put(key, fr);
        }
        fr.parts.put(off, part.toArray());
        fr.frames.add(p.number);
        if (!mf) fr.totalLen = off + part.length();
        if (fr.totalLen < 0) return null;
        int have = 0;
        for (var e : fr.parts.entrySet()) {
            if (e.getKey() > have) return null;
            have = Math.max(have, e.getKey() + e.getValue().length);
        }
        if (have < fr.totalLen) return null;
        byte[] whole = new byte[fr.totalLen];
        for (var e : fr.parts.entrySet()) {
            int n = Math.min(e.getValue().length, fr.totalLen - e.getKey());
            if (n > 0) System.arraycopy(e.getValue(), 0, whole, e.getKey(), n);
        }
        fragments.remove(key);
        for (int f : fr.frames) if (f != p.number) learned.reassembledIn.put(f, p.number);
        Node r = new Node("[" + fr.frames.size() + " IPv4 Fragments (" + fr.totalLen + " bytes): " + framesList(fr.frames) + "]");
        p.tree.add(r);
        return Bytes.of(whole);
    }

    private static String framesList(List<Integer> frames) {
        StringBuilder s = new StringBuilder();
        for (int f : frames) s.append(s.isEmpty() ? "" : ", ").append('#').append(f);
        return s.toString();
    }

    static String protoName(int proto) {
        return switch (proto) {
            case 1 -> "ICMP";
            case 6 -> "TCP";
            case 17 -> "UDP";
            default -> "Unknown";
        };
    }

    /**
     * Wireshark's bit picture of a field: {@code totalBits} positions in groups of four, the field's {@code width}
     * bits at {@code shift} (from the right) shown as 0/1, the others as dots.
     */
    static String bits(int value, int width, int totalBits, int shift) {
        StringBuilder s = new StringBuilder();
        for (int i = totalBits - 1; i >= 0; i--) {
            boolean in = i >= shift && i < shift + width;
            s.append(in ? (char) ('0' + ((value >>> (i - shift)) & 1)) : '.');
            if (i % 4 == 0 && i != 0) s.append(' ');
        }
        return s.toString();
    }

    private void transport(Packet p, int proto, Bytes b, int ipTotal, boolean inner, String src, String dst, int ttl) {
        long pseudo = pseudoSum(src, dst, proto, b.length());
        switch (proto) {
            case 1 -> icmp(p, b, inner, src, dst, ttl);
            case 17 -> udp(p, b, inner, pseudo, src, dst);
            case 6 -> tcp(p, b, inner, pseudo, src, dst);
            case 4 -> { // IP in IP (RFC 2003): the inner header is decoded as a datagram of its own
                if (inner || ++tunnelDepth > 4) break;
                int version = b.u8(0) >>> 4;
                if (version == 4) {
                    ipv4(p, b, false);
                } else {
                    p.protocol = "IP";
                    p.info.setLength(0);
                    p.info.append("Bogus IP version (").append(version).append(')');
                    p.tree.add(new Node("Internet Protocol, bogus version (" + version + ")"));
                }
            }
            default -> {
                if (!inner) p.info.append("Protocol ").append(proto);
            }
        }
    }

    private static long pseudoSum(String src, String dst, int proto, int len) {
        long s = 0;
        for (String a : new String[] {src, dst}) {
            String[] q = a.split("\\.");
            s += (Integer.parseInt(q[0]) << 8 | Integer.parseInt(q[1])) + (Integer.parseInt(q[2]) << 8 | Integer.parseInt(q[3]));
        }
        return s + proto + len;
    }

    // ---------------------------------------------------------------------------------------------------------
    // ICMP, RFC 792.

    private void icmp(Packet p, Bytes b, boolean inner, String src, String dst, int ttl) {
        p.protocol = "ICMP";
        p.info.setLength(0);
        p.layer("icmp");
        Node n = new Node("Internet Control Message Protocol");
        p.tree.add(n);
        int type = b.u8(0), code = b.u8(1);
        p.field("icmp.type", type);
        n.add("Type: " + type + " (" + icmpTypeName(type) + ")");
        p.field("icmp.code", code);
        n.add("Code: " + code);
        int sum = b.u16(2);
        boolean ok = b.checksum(0) == 0;
        n.add(String.format("Checksum: 0x%04x [%s]", sum, ok ? "correct" : "incorrect"));
        n.add("[Checksum Status: " + (ok ? "Good" : "Bad") + "]");
        switch (type) {
            case 0, 8 -> {
                int ident = b.u16(4), seq = b.u16(6);
                identAndSeqFields(p, n, ident, seq);
                n.add("Data (" + Math.max(0, b.length() - 8) + " bytes)");
                p.info.append(type == 8 ? "Echo (ping) request  " : "Echo (ping) reply    ");
                identAndSeqInfo(p, ident, seq, ttl);
                if (type == 8) {
                    echoRequests.put(src + ">" + dst + "#" + ident + "/" + seq, p.number);
                    if (echoRequests.size() > 65536) echoRequests.clear();
                    if (hints != null) {
                        Integer reply = hints.replyIn.get(p.number);
                        p.info.append(reply != null ? " (reply in " + reply + ")" : " (no response found!)");
                        if (reply != null) n.add("[Response frame: " + reply + "]");
                    }
                } else {
                    // a request is answered once: a duplicate reply, or one without a request, gets no link
                    Integer req = echoRequests.remove(dst + ">" + src + "#" + ident + "/" + seq);
                    if (req != null) {
                        learned.replyIn.putIfAbsent(req, p.number);
                        p.info.append(" (request in ").append(req).append(')');
                        n.add("[Request frame: " + req + "]");
                    }
                }
            }
            case 15, 16 -> {
                // RFC 792 Information Request/Reply (obsolete): identifier and sequence number as in echo, no data
                int ident = b.u16(4), seq = b.u16(6);
                identAndSeqFields(p, n, ident, seq);
                p.info.append(type == 15 ? "Information request  " : "Information reply    ");
                identAndSeqInfo(p, ident, seq, ttl);
            }
            case 3, 11, 12, 4, 5 -> {
                p.info.append(icmpTypeName(type));
                String c = icmpCodeName(type, code);
                if (!c.isEmpty()) p.info.append(" (").append(c).append(')');
                b.u32(4);
                Bytes quoted = b.from(8);
                if (quoted.length() > 0) {
                    // RFC 792: the original datagram's header and its first 8 bytes; decoded like Wireshark, without
                    // touching the columns or any stream state.
                    int before = p.tree.size();
                    try {
                        innerIpv4(p, quoted);
                    } catch (Bytes.Truncated t) {
                        // a short quotation is normal for ICMP errors
                    }
                    List<Node> innerNodes = new ArrayList<>(p.tree.subList(before, p.tree.size()));
                    p.tree.subList(before, p.tree.size()).clear();
                    n.children().addAll(innerNodes);
                }
            }
            default -> p.info.append(icmpTypeName(type));
        }
    }

    /** The identifier and sequence number of an echo or information message (RFC 792), as fields and tree lines. */
    private static void identAndSeqFields(Packet p, Node n, int ident, int seq) {
        p.field("icmp.ident", ident);
        n.add(String.format("Identifier (BE): %d (0x%04x)", ident, ident));
        p.field("icmp.seq", seq);
        n.add(String.format("Sequence Number (BE): %d (0x%04x)", seq, seq));
    }

    /** Wireshark's info text for them: the sequence number read big- and little-endian, and the TTL. */
    private static void identAndSeqInfo(Packet p, int ident, int seq, int ttl) {
        int seqLe = ((seq & 0xff) << 8) | (seq >>> 8);
        p.info.append(String.format("id=0x%04x, seq=%d/%d, ttl=%d", ident, seq, seqLe, ttl));
    }

    private void innerIpv4(Packet p, Bytes b) {
        String savedProto = p.protocol;
        String savedInfo = p.info.toString();
        ipv4(p, b, true);
        p.protocol = savedProto;
        p.info.setLength(0);
        p.info.append(savedInfo);
    }

    static String icmpTypeName(int type) {
        return switch (type) {
            case 0 -> "Echo (ping) reply";
            case 3 -> "Destination unreachable";
            case 4 -> "Source quench (flow control)";
            case 5 -> "Redirect";
            case 8 -> "Echo (ping) request";
            case 11 -> "Time-to-live exceeded";
            case 12 -> "Parameter problem";
            case 13 -> "Timestamp request";
            case 14 -> "Timestamp reply";
            case 15 -> "Information request";
            case 16 -> "Information reply";
            default -> "Unknown ICMP (obsolete or malformed?)";
        };
    }

    static String icmpCodeName(int type, int code) {
        if (type == 3) {
            return switch (code) {
                case 0 -> "Network unreachable";
                case 1 -> "Host unreachable";
                case 2 -> "Protocol unreachable";
                case 3 -> "Port unreachable";
                case 4 -> "Fragmentation needed";
                case 13 -> "Communication administratively filtered";
                default -> "";
            };
        }
        if (type == 11) return code == 0 ? "Time to live exceeded in transit" : code == 1 ? "Fragment reassembly time exceeded" : "";
        return "";
    }

    // ---------------------------------------------------------------------------------------------------------
    // UDP, RFC 768; DNS on port 53.

    private void udp(Packet p, Bytes b, boolean inner, long pseudo, String src, String dst) {
        if (!inner) {
            p.protocol = "UDP";
            p.info.setLength(0);
        }
        p.layer("udp");
        Node n = new Node("User Datagram Protocol");
        p.tree.add(n);
        int sp = b.u16(0), dp = b.u16(2);
        p.field("udp.srcport", sp);
        n.add("Source Port: " + sp);
        p.field("udp.dstport", dp);
        n.add("Destination Port: " + dp);
        int len = b.u16(4);
        p.field("udp.length", len);
        n.add("Length: " + len);
        p.tree.set(p.tree.indexOf(n), new Node("User Datagram Protocol, Src Port: " + sp + ", Dst Port: " + dp, n.children()));
        if (inner) return;
        p.info.append(sp).append(" → ").append(dp);
        if (len < 8) {
            p.info.append(" [BAD UDP LENGTH ").append(len).append(" < 8]");
            n.add("[Bad length value " + len + " < 8]");
            return;
        }
        if (len > b.length()) {
            p.info.append(" [BAD UDP LENGTH ").append(len).append(" > IP PAYLOAD LENGTH]");
            n.add("[Bad length value " + len + " > IP payload length]");
            return;
        }
        int sum = b.u16(6);
        if (sum == 0) {
            n.add("Checksum: 0x0000 [zero-value ignored]");
            n.add("[Checksum Status: Not present]");
        } else {
            boolean ok = b.slice(0, len).checksum(pseudo - b.length() + len) == 0;
            n.add(String.format("Checksum: 0x%04x [%s]", sum, ok ? "correct" : "incorrect"));
            n.add("[Checksum Status: " + (ok ? "Good" : "Bad") + "]");
        }
        Bytes payload = b.slice(8, len - 8);
        if (sp == 53 || dp == 53) {
            Dns.dissect(p, payload);
        } else {
            p.info.append(" Len=").append(len - 8);
            if (payload.length() > 0) p.tree.add(new Node("Data (" + payload.length() + " bytes)"));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // TCP, RFC 9293 §3.1.

    static final int FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16, URG = 32, ECE = 64, CWR = 128, AE = 256;

    private void tcp(Packet p, Bytes b, boolean inner, long pseudo, String src, String dst) {
        if (!inner) {
            p.protocol = "TCP";
            p.info.setLength(0);
        }
        p.layer("tcp");
        Node n = new Node("Transmission Control Protocol");
        p.tree.add(n);
        int sp = b.u16(0), dp = b.u16(2);
        p.field("tcp.srcport", sp);
        n.add("Source Port: " + sp);
        p.field("tcp.dstport", dp);
        n.add("Destination Port: " + dp);
        if (!inner && b.length() < 13) { // Wireshark names the ports, then fails reading the header length
            p.info.append(sp).append(" → ").append(dp);
            throw Bytes.Truncated.INSTANCE;
        }
        if (inner) {
            long seq = b.u32(4);
            p.field("tcp.seq_raw", seq);
            n.add("Sequence Number (raw): " + seq);
            return;
        }
        if (b.length() < 20) {
            shortTcpHeader(p, b, sp, dp, src, dst);
            return;
        }
        long seqRaw = b.u32(4);
        int offFlags = b.u16(12);
        int hlen = (offFlags >>> 12) * 4;
        int flags = offFlags & 0xfff;
        int win = b.u16(14);
        long ackRaw = b.u32(8);
        if (hlen >= 20 && hlen > b.length()) {
            shortTcpHeader(p, b, sp, dp, src, dst);
            return;
        }
        tcp.setNow(p.frame.tsNanos());
        TcpTracker.Stream st = tcp.stream(src, sp, dst, dp, flags, seqRaw);
        boolean fwdIsClient = st.isClient(src, sp);
        TcpTracker.Direction fwd = fwdIsClient ? st.client : st.server, rev = fwdIsClient ? st.server : st.client;
        p.field("tcp.stream", st.index);
        n.add("[Stream index: " + st.index + "]");
        int seglen = Math.max(0, b.length() - hlen);
        boolean reused = fwd.learnBase(seqRaw, flags);
        if ((flags & ACK) != 0) rev.learnBaseFromAck(ackRaw);
        long seqRel = (seqRaw - fwd.base) & 0xffffffffL;
        long ackRel = (flags & ACK) != 0 ? (ackRaw - rev.base) & 0xffffffffL : ackRaw; // without ACK: the raw field
        p.info.append(sp).append(" → ").append(dp).append(" [").append(flagNames(flags)).append("] Seq=").append(seqRel);
        if ((flags & ACK) != 0) p.info.append(" Ack=").append(ackRel);
        if (hlen < 20) {
            p.field("tcp.seq", seqRel);
            p.field("tcp.seq_raw", seqRaw);
            p.field("tcp.len", b.length() - hlen);
            p.info.append(" Win=").append(win).append(", bogus TCP header length (").append(hlen).append(", must be at least 20)");
            n.add("[Bogus TCP header length (" + hlen + ", must be at least 20)]");
            return;
        }
        p.field("tcp.len", seglen);
        n.add("[TCP Segment Len: " + seglen + "]");
        p.field("tcp.seq", seqRel);
        n.add("Sequence Number: " + seqRel + "    (relative sequence number)");
        p.field("tcp.seq_raw", seqRaw);
        n.add("Sequence Number (raw): " + seqRaw);
        n.add("[Next Sequence Number: " + (seqRel + seglen + ((flags & (SYN | FIN)) != 0 ? 1 : 0)) + "    (relative sequence number)]");
        p.field("tcp.ack", ackRel);
        n.add("Acknowledgment Number: " + ackRel + "    (relative ack number)");
        p.field("tcp.ack_raw", ackRaw);
        n.add("Acknowledgment number (raw): " + ackRaw);
        n.add(String.format("%s = Header Length: %d bytes (%d)", bits(hlen / 4, 4, 8, 4), hlen, hlen / 4));
        p.field("tcp.flags", String.format("0x%04x", flags));
        String fstr = flagString(flags);
        Node fnode = n.add(String.format("Flags: 0x%03x (%s)", flags, flagNames(flags)));
        fnode.add(bits(offFlags >>> 9, 3, 12, 9) + " = Reserved: " + ((offFlags & 0xe00) != 0 ? "Set" : "Not set"));
        String[] names = {"Fin", "Syn", "Reset", "Push", "Acknowledgment", "Urgent", "ECN-Echo", "Congestion Window Reduced", "Accurate ECN"};
        for (int bit = 8; bit >= 0; bit--) {
            boolean set = (flags & (1 << bit)) != 0;
            fnode.add(bits(set ? 1 : 0, 1, 12, bit) + " = " + names[bit] + ": " + (set ? "Set" : "Not set"));
        }
        p.field("tcp.flags.str", fstr);
        fnode.add("[TCP Flags: " + fstr + "]");
        p.field("tcp.window_size_value", win);
        n.add("Window: " + win);
        if (hlen > b.length()) throw Bytes.Truncated.INSTANCE;
        // options first: a SYN's window scale decides how this and later windows are read (RFC 7323 §2.2)
        TcpOptions opts = TcpOptions.parse(b.slice(20, hlen - 20));
        fwd.learnScale(flags, opts.wscale(), rev);
        long window = fwd.scaledWindow(win, flags);
        p.field("tcp.window_size", window);
        n.add("[Calculated window size: " + window + "]");
        n.add("[Window size scaling factor: " + fwd.scaleFactorText(flags) + "]");
        int sum = b.u16(16);
        boolean ok = b.checksum(pseudo) == 0;
        n.add(String.format("Checksum: 0x%04x [%s]", sum, ok ? "correct" : "incorrect"));
        n.add("[Checksum Status: " + (ok ? "Good" : "Bad") + "]");
        n.add("Urgent Pointer: " + b.u16(18));
        if (hlen > 20) {
            Node on = n.add("Options: (" + (hlen - 20) + " bytes)" + opts.treeSummary());
            for (String line : opts.treeLines()) on.add(line);
            opts.addFields(p);
        }
        p.info.append(" Win=").append(window);
        if ((flags & URG) != 0) p.info.append(" Urg=").append(b.u16(18));
        p.info.append(" Len=").append(seglen);
        p.info.append(opts.infoText(rev.base));
        int analysis = tcp.analyze(p, st, fwd, rev, seqRaw, ackRaw, seglen, flags, window) | (reused ? TcpTracker.REUSED_PORTS : 0);
        Bytes payload = b.from(hlen);
        TcpTracker.addAnalysis(p, n, analysis, fwd);
        p.tcp = new Packet.TcpSegment(st.index, fwdIsClient, src, sp, dst, dp, seqRel, ackRel, seglen, flags, window,
                payload.toArray(), analysis);
        n.add("[Timestamps: time since first frame in this TCP stream: " + Format.seconds(p.frame.tsNanos() - st.firstTs, 9) + " seconds]");
        if (seglen > 0) {
            n.add("TCP payload (" + seglen + " bytes)");
            if (sp == 80 || dp == 80 || sp == 8080 || dp == 8080) {
                Http.onSegment(p, fwd, seqRaw, payload, analysis);
            }
        }
        p.tree.set(p.tree.indexOf(n), new Node(String.format("Transmission Control Protocol, Src Port: %d, Dst Port: %d, Seq: %d%s, Len: %d",
                sp, dp, seqRel, (flags & ACK) != 0 ? ", Ack: " + ackRel : "", seglen), n.children()));
    }

    /**
     * A TCP header cut short (fewer than 20 bytes, or a data offset beyond the segment): Wireshark reads the fixed
     * fields in order, shows them raw (its sequence analysis never runs) and fails at the first missing byte.
     */
    private void shortTcpHeader(Packet p, Bytes b, int sp, int dp, String src, String dst) {
        p.info.append(sp).append(" → ").append(dp);
        long seq = b.u32(4);
        tcp.setNow(p.frame.tsNanos());
        int flags = b.length() >= 14 ? b.u16(12) & 0xfff : 0;
        TcpTracker.Stream st = tcp.stream(src, sp, dst, dp, flags, seq);
        p.field("tcp.stream", st.index);
        long ack = b.u32(8);
        p.field("tcp.seq", seq);
        p.field("tcp.seq_raw", seq);
        p.field("tcp.ack", ack);
        p.field("tcp.ack_raw", ack);
        flags = b.u16(12) & 0xfff;
        p.field("tcp.flags", String.format("0x%04x", flags));
        p.field("tcp.flags.str", flagString(flags));
        p.info.append(" [").append(flagNames(flags)).append("] Seq=").append(seq);
        if ((flags & ACK) != 0) p.info.append(" Ack=").append(ack);
        int win = b.u16(14);
        p.field("tcp.window_size_value", win);
        p.field("tcp.window_size", win);
        p.info.append(" Win=").append(win);
        b.u16(16);
        b.u16(18);
        throw Bytes.Truncated.INSTANCE; // the header (or its options) ends early: Wireshark's exception
    }

    /** Flag names for the info column, in Wireshark's order. */
    static String flagNames(int flags) {
        String[] names = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE"};
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            if ((flags & (1 << i)) != 0) s.append(s.isEmpty() ? "" : ", ").append(names[i]);
        }
        if ((flags & 0xe00) != 0) s.append(s.isEmpty() ? "" : ", ").append("Reserved");
        return s.isEmpty() ? "<None>" : s.toString();
    }

    /** The 12-character flag string of {@code tcp.flags.str} (reserved, AE, CWR, ECE, URG, ACK, PSH, RST, SYN, FIN). */
    static String flagString(int flags) {
        String letters = "RRRACEUAPRSF";
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            int bit = 11 - i;
            s.append((flags & (1 << bit)) != 0 ? letters.charAt(i) : '·');
        }
        return s.toString();
    }
}
