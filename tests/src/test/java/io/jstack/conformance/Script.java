package io.jstack.conformance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed conformance script (format in {@code src/test/resources/conformance/README.md}): header tags and
 * timed lines that inject a segment, expect one, or make a socket call.
 *
 * @param name   the script's path under the catalogue, e.g. {@code handshake/passive-open.pkt}
 * @param tags   header tags: {@code title}, {@code rfc}, {@code must}, {@code jstack-fails}, ...
 * @param lines  the timed steps in order
 */
record Script(String name, Map<String, String> tags, List<Line> lines) {
    /** A timed step. {@code time} is in seconds from the script's start; {@code anyTime} for "*". */
    sealed interface Line permits Inject, Expect, Call, Icmp, Send, ExpectIp {
        double time();

        int lineNo();

        String text();
    }

    /** {@code < ...}: the peer sends this segment. */
    record Inject(double time, int lineNo, String text, Pattern p) implements Line {}

    /** {@code > ...}: the stack under test must send this segment, at {@code time} within the tolerance. */
    record Expect(double time, int lineNo, String text, Pattern p, boolean anyTime, double latest, boolean optional)
            implements Line {}

    /**
     * {@code < icmp TYPE CODE [seq N] [mtu N]}: the peer sends an ICMP error quoting a segment of the connection
     * (stack to peer, sequence number N relative to the stack's ISN, default 1).
     */
    record Icmp(double time, int lineNo, String text, int type, int code, long seq, int mtu) implements Line {}

    /** {@code < icmp echo ...}, {@code < udp ...}, {@code < ip ...}: the peer sends this non-TCP packet. */
    record Send(double time, int lineNo, String text, IpSpec spec) implements Line {}

    /** {@code > icmp ...}, {@code > udp ...}: the stack must send this non-TCP packet (see {@link Expect}). */
    record ExpectIp(double time, int lineNo, String text, IpSpec spec, boolean anyTime, double latest, boolean optional)
            implements Line {}

    /** A socket call with its expected result ({@code null}: not checked). */
    record Call(double time, int lineNo, String text, String op, int arg, String expected) implements Line {}

    /**
     * Segment fields as written: {@code null} numbers are wildcards ("*" or omitted). Sequence and
     * acknowledgment numbers are relative to the sender's ISN, as in packetdrill.
     */
    record Pattern(int flags, Long seq, Long end, Integer len, Long ack, Integer window, List<OptPattern> options,
                   boolean badChecksum, String variant, Integer urgent, Integer ttl, Integer tos) {}

    /** One option; {@code null} values are wildcards. {@code options == null} in a pattern means "<...>", any. */
    record OptPattern(String name, Long[] values) {}

    String tag(String key) {
        return tags.getOrDefault(key, "");
    }

    List<String> musts() {
        List<String> r = new ArrayList<>();
        for (String s : tag("must").split("[,\\s]+")) if (!s.isBlank()) r.add(s.trim());
        return r;
    }

    static Script parse(String name, String text) {
        Map<String, String> tags = new LinkedHashMap<>();
        List<Line> lines = new ArrayList<>();
        double t = 0;
        int n = 0;
        for (String raw : text.split("\n")) {
            n++;
            String s = raw.strip();
            if (s.isEmpty() || s.startsWith("//")) continue;
            if (s.startsWith("#")) {
                int c = s.indexOf(':');
                if (c > 0) {
                    String key = s.substring(1, c).strip().toLowerCase();
                    String v = s.substring(c + 1).strip();
                    tags.merge(key, v, (a, b) -> a + " " + b);
                }
                continue;
            }
            try {
                String[] w = s.split("\\s+", 2);
                boolean any = w[0].equals("*");
                double latest;
                if (!any && w[0].contains("~")) { // a range: a~b, each relative ("+x") to the previous line or absolute
                    String[] ab = w[0].split("~");
                    double base = t;
                    t = time(ab[0], base);
                    latest = time(ab[1], base);
                } else {
                    if (!any) t = time(w[0], t);
                    latest = t;
                }
                String rest = w.length > 1 ? w[1].strip() : "";
                String body = rest.length() > 1 ? rest.substring(rest.startsWith(">?") ? 2 : 1).strip() : "";
                boolean ipLine = body.startsWith("udp") || body.startsWith("ip ")
                        || (body.startsWith("icmp ") && !body.split("\\s+")[1].matches("\\d+"));
                if (rest.startsWith("<") && ipLine) {
                    lines.add(new Send(t, n, s, IpSpec.parse(body, true)));
                } else if (rest.startsWith(">") && ipLine) {
                    lines.add(new ExpectIp(t, n, s, IpSpec.parse(body, false), any, latest, rest.startsWith(">?")));
                } else if (rest.startsWith("<") && rest.substring(1).strip().startsWith("icmp ")) {
                    String[] a = rest.substring(1).strip().split("\\s+");
                    long seq = 1;
                    int mtu = 0;
                    for (int k = 3; k + 1 < a.length; k += 2) {
                        if (a[k].equals("seq")) seq = Long.parseLong(a[k + 1]);
                        else if (a[k].equals("mtu")) mtu = Integer.parseInt(a[k + 1]);
                        else throw new IllegalArgumentException("unknown icmp field '" + a[k] + "'");
                    }
                    lines.add(new Icmp(t, n, s, Integer.parseInt(a[1]), Integer.parseInt(a[2]), seq, mtu));
                } else if (rest.startsWith("<")) {
                    lines.add(new Inject(t, n, s, pattern(rest.substring(1).strip(), true)));
                } else if (rest.startsWith(">")) {
                    boolean optional = rest.startsWith(">?"); // may or may not be sent: a legitimate variation
                    lines.add(new Expect(t, n, s, pattern(rest.substring(optional ? 2 : 1).strip(), false), any,
                            latest, optional));
                } else {
                    lines.add(call(t, n, s, rest));
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(name + ":" + n + ": cannot parse '" + s + "': " + e.getMessage(), e);
            }
        }
        return new Script(name, tags, lines);
    }

    private static double time(String s, double previous) {
        return s.startsWith("+") ? previous + Double.parseDouble(s.substring(1)) : Double.parseDouble(s);
    }

    private static Call call(double t, int n, String s, String rest) {
        String expected = null;
        int eq = rest.indexOf('=');
        if (eq >= 0) {
            expected = rest.substring(eq + 1).strip();
            rest = rest.substring(0, eq).strip();
        }
        String[] w = rest.split("\\s+");
        String op = w[0];
        if (!List.of("listen", "accept", "connect", "connectbcast", "connected", "write", "read", "shutdown", "close", "abort",
                "nodelay", "keepalive", "oobinline", "tos", "sendurg", "usertimeout", "recverr", "urgpending", "atmark", "udpbind", "udpconnect", "udpsend", "udprecv", "udpclose").contains(op)) {
            throw new IllegalArgumentException("unknown call '" + op + "'");
        }
        int arg = w.length > 1 ? Integer.parseInt(w[1]) : 0;
        return new Call(t, n, s, op, arg, expected);
    }

    /** {@code FLAGS seq:end(len) [ack N] [win N] [<opts>]} */
    static Pattern pattern(String s, boolean inject) {
        String opts = null;
        int lt = s.indexOf('<');
        if (lt >= 0) {
            opts = s.substring(lt + 1, s.lastIndexOf('>')).strip();
            s = s.substring(0, lt).strip();
        }
        String[] w = s.split("\\s+");
        int flags = 0;
        for (char c : w[0].toCharArray()) {
            flags |= switch (c) {
                case 'S' -> Segment.SYN;
                case 'F' -> Segment.FIN;
                case 'R' -> Segment.RST;
                case 'P' -> Segment.PSH;
                case 'U' -> Segment.URG;
                case '.' -> Segment.ACK;
                default -> throw new IllegalArgumentException("bad flag '" + c + "'");
            };
        }
        Long seq = null, end = null, ack = null;
        Integer len = null, win = null, urg = null, ttl = null, tos = null;
        int i = 1;
        if (i < w.length && w[i].contains(":")) {
            String sr = w[i++];
            int colon = sr.indexOf(':'), paren = sr.indexOf('(');
            seq = num(sr.substring(0, colon));
            end = num(sr.substring(colon + 1, paren));
            Long l = num(sr.substring(paren + 1, sr.indexOf(')')));
            len = l == null ? null : l.intValue();
        }
        boolean badsum = false;
        String variant = "";
        for (; i < w.length; i += 2) {
            if (w[i].equals("badsum")) { // inject with a corrupted TCP checksum
                badsum = true;
                i--;
                continue;
            }
            if (w[i].equals("peer2")) { // the peer's second port: another connection (expected too)
                variant = w[i];
                i--;
                continue;
            }
            if (List.of("ipopts", "tobcast", "frombcast").contains(w[i])) { // IP-level variations, injected only
                variant = w[i];
                i--;
                continue;
            }
            switch (w[i]) {
                case "ack" -> ack = num(w[i + 1]);
                case "win" -> {
                    Long v = num(w[i + 1]);
                    win = v == null ? null : v.intValue();
                }
                case "urg" -> urg = Integer.parseInt(w[i + 1]); // urgent pointer
                case "ttl" -> ttl = Integer.parseInt(w[i + 1]); // IPv4 TTL, expected only
                case "tos" -> tos = Integer.decode(w[i + 1]); // IPv4 type of service / DS field, expected only
                default -> throw new IllegalArgumentException("unknown field '" + w[i] + "'");
            }
        }
        if (inject && (ttl != null || tos != null)) throw new IllegalArgumentException("ttl and tos are expected only");
        if (inject && (seq == null || len == null)) throw new IllegalArgumentException("injected segment needs seq:end(len)");
        if (seq != null && end != null && len != null && end - seq != len) {
            throw new IllegalArgumentException("end - seq != len");
        }
        List<OptPattern> op;
        if (opts == null) {
            op = List.of();
        } else if (opts.equals("...")) {
            op = null;
        } else {
            op = new ArrayList<>();
            for (String o : opts.split(",")) {
                String[] t = o.strip().split("\\s+");
                switch (t[0]) {
                    case "TS" -> op.add(new OptPattern("TS", new Long[] {num(t[2]), num(t[4])}));
                    case "sack" -> {
                        List<Long> v = new ArrayList<>();
                        for (int k = 1; k < t.length; k++) {
                            String[] ab = t[k].split(":");
                            v.add(num(ab[0]));
                            v.add(num(ab[1]));
                        }
                        op.add(new OptPattern("sack", v.toArray(Long[]::new)));
                    }
                    default -> {
                        Long[] v = new Long[t.length - 1];
                        for (int k = 1; k < t.length; k++) v[k - 1] = num(t[k]);
                        op.add(new OptPattern(t[0], v));
                    }
                }
            }
        }
        return new Pattern(flags, seq, end, len, ack, win, op, badsum, variant, urg, ttl, tos);
    }

    private static Long num(String s) {
        return s.equals("*") ? null : Long.parseLong(s);
    }
}
