package io.jstack.tools.inspect;

/** DNS messages (RFC 1035 §4.1), decoded with bounded reads and bounded name compression. */
final class Dns {
    private static final int MAX_POINTERS = 64, MAX_NAME = 255, MAX_RECORDS = 1000;

    private Dns() {}

    static void dissect(Packet p, Bytes b) {
        p.protocol = "DNS";
        p.info.setLength(0);
        p.layer("dns");
        Node n = new Node("Domain Name System");
        p.tree.add(n);
        int id = b.u16(0), flags = b.u16(2);
        boolean response = (flags & 0x8000) != 0;
        int opcode = (flags >>> 11) & 15, rcode = flags & 15;
        n.add(String.format("Transaction ID: 0x%04x", id));
        Node fn = n.add(String.format("Flags: 0x%04x %s", flags, response ? "Standard query response" : "Standard query"));
        fn.add("Response: Message is a " + (response ? "response" : "query"));
        fn.add("Opcode: " + opcode);
        if (response) {
            fn.add("Reply code: " + rcodeName(rcode) + " (" + rcode + ")");
            p.field("dns.flags.rcode", rcode);
        }
        int qd = b.u16(4), an = b.u16(6), ns = b.u16(8), ar = b.u16(10);
        n.add("Questions: " + qd);
        n.add("Answer RRs: " + an);
        n.add("Authority RRs: " + ns);
        n.add("Additional RRs: " + ar);
        p.info.append(opcode == 0 ? (response ? "Standard query response" : "Standard query") : "Unknown operation (" + opcode + ")" + (response ? " response" : ""));
        p.info.append(String.format(" 0x%04x", id));
        if (response && rcode != 0) p.info.append(' ').append(rcodeName(rcode));
        int off = 12;
        Node qn = qd > 0 ? n.add("Queries") : null;
        for (int i = 0; i < Math.min(qd, MAX_RECORDS); i++) {
            int[] end = new int[1];
            String name = name(b, off, end);
            int type = b.u16(end[0]), cls = b.u16(end[0] + 2);
            off = end[0] + 4;
            p.field("dns.qry.name", name);
            qn.add(name + ": type " + typeName(type) + ", class " + className(cls));
            p.info.append(' ').append(typeName(type)).append(' ').append(name);
        }
        String[] sections = {"Answers", "Authoritative nameservers", "Additional records"};
        int[] counts = {an, ns, ar};
        for (int s = 0; s < 3; s++) {
            Node sn = counts[s] > 0 ? n.add(sections[s]) : null;
            for (int i = 0; i < Math.min(counts[s], MAX_RECORDS); i++) {
                int[] end = new int[1];
                String name = name(b, off, end);
                int type = b.u16(end[0]), cls = b.u16(end[0] + 2);
                long ttl = b.u32(end[0] + 4);
                int rdlen = b.u16(end[0] + 8);
                int rdata = end[0] + 10;
                String value = rdata(p, b, type, rdata, rdlen);
                off = rdata + rdlen;
                if (off > b.length()) throw Bytes.Truncated.INSTANCE;
                if (type == 41) {
                    sn.add("<Root>: type OPT");
                    p.info.append(" OPT");
                    continue;
                }
                sn.add(name + ": type " + typeName(type) + ", class " + className(cls) + ", ttl " + ttl + (value.isEmpty() ? "" : ", " + value));
                p.info.append(' ').append(typeName(type)).append(value.isEmpty() ? "" : " " + value);
            }
        }
    }

    private static String rdata(Packet p, Bytes b, int type, int off, int len) {
        return switch (type) {
            case 1 -> {
                if (len != 4) yield "";
                String a = b.ipv4(off);
                p.field("dns.a", a);
                yield a;
            }
            case 28 -> {
                if (len != 16) yield "";
                int[] g = new int[8];
                for (int i = 0; i < 8; i++) g[i] = b.u16(off + 2 * i);
                yield ipv6(g);
            }
            case 2, 5, 12 -> name(b, off, new int[1]);
            case 15 -> b.u16(off) + " " + name(b, off + 2, new int[1]);
            case 6 -> name(b, off, new int[1]);
            default -> "";
        };
    }

    /** RFC 5952 text: the longest run of two or more zero groups becomes "::". */
    static String ipv6(int[] g) {
        int bestStart = -1, bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) { i++; continue; }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
            i = j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLen - 1;
                continue;
            }
            if (!s.isEmpty() && s.charAt(s.length() - 1) != ':') s.append(':');
            s.append(Integer.toHexString(g[i]));
        }
        return s.toString();
    }

    /** RFC 1035 §4.1.4: labels and compression pointers, with a bound on jumps and on length. */
    static String name(Bytes b, int off, int[] end) {
        StringBuilder s = new StringBuilder();
        int pos = off, jumps = 0;
        end[0] = -1;
        while (true) {
            int len = b.u8(pos);
            if ((len & 0xc0) == 0xc0) {
                int target = ((len & 0x3f) << 8) | b.u8(pos + 1);
                if (end[0] < 0) end[0] = pos + 2;
                if (++jumps > MAX_POINTERS) throw Bytes.Truncated.INSTANCE;
                pos = target;
                continue;
            }
            if ((len & 0xc0) != 0) throw Bytes.Truncated.INSTANCE;
            if (len == 0) {
                if (end[0] < 0) end[0] = pos + 1;
                break;
            }
            if (s.length() + len + 1 > MAX_NAME) throw Bytes.Truncated.INSTANCE;
            if (!s.isEmpty()) s.append('.');
            for (int i = 0; i < len; i++) {
                int c = b.u8(pos + 1 + i);
                if (c > 0x20 && c < 0x7f) s.append((char) c);
                else s.append(String.format("\\%03d", c));
            }
            pos += 1 + len;
        }
        return s.isEmpty() ? "<Root>" : s.toString();
    }

    static String typeName(int type) {
        return switch (type) {
            case 1 -> "A";
            case 2 -> "NS";
            case 5 -> "CNAME";
            case 6 -> "SOA";
            case 12 -> "PTR";
            case 15 -> "MX";
            case 16 -> "TXT";
            case 28 -> "AAAA";
            case 33 -> "SRV";
            case 41 -> "OPT";
            case 64 -> "SVCB";
            case 65 -> "HTTPS";
            case 255 -> "ANY";
            default -> "Unknown (" + type + ")";
        };
    }

    static String className(int cls) {
        return switch (cls) {
            case 1 -> "IN";
            case 3 -> "CH";
            case 255 -> "ANY";
            default -> String.format("0x%04x", cls);
        };
    }

    static String rcodeName(int rcode) {
        return switch (rcode) {
            case 0 -> "No error";
            case 1 -> "Format error";
            case 2 -> "Server failure";
            case 3 -> "No such name";
            case 4 -> "Not implemented";
            case 5 -> "Refused";
            default -> "Unknown (" + rcode + ")";
        };
    }
}
