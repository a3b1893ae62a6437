package io.jstack.conformance;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs one script against one {@link Target}, as packetdrill does: injects the peer's segments at their
 * times, checks that each expected segment arrives at its time (within the tolerance) with matching fields,
 * that no other segment arrives, and that each socket call returns what the script says.
 */
final class Interpreter {
    /** The peer's ISN: injected sequence numbers and expected acknowledgments are relative to it. */
    static final int PEER_ISN = 1_000_000;
    /** How long a {@code *}-timed expectation may wait, in seconds. */
    static final double ANY_TIME_WAIT = 2.0;

    /** The outcome: {@code failure} is null when the script passed. */
    record Outcome(String failure, List<String> trace) {
        boolean passed() {
            return failure == null;
        }
    }

    private final Target target;
    private final double tolerance;
    private int peerPort;
    /** Echo identifiers the script used: replies with others are not the script's. */
    private final java.util.Set<Integer> echoIds = new java.util.HashSet<>();
    /** Echo requests by (id << 16 | seq): a reply must return the request's data. */
    private final java.util.Map<Integer, Datagram.Sent> echoes = new java.util.HashMap<>();
    /** The last datagram the peer injected (whole): what an expected ICMP error quotes. */
    private Datagram.Sent lastSent;
    private final Datagram.Collector collector = new Datagram.Collector();
    /** The last packet of this script the stack sent: what an injected {@code quotelast} ICMP error quotes. */
    private byte[] lastFromStack;
    /** How many fragments a reassembled packet came in, for the trace. */
    private final java.util.Map<byte[], Integer> fragmentCounts = new java.util.IdentityHashMap<>();
    private Long localIsn;
    private final List<String> trace = new ArrayList<>();

    private Interpreter(Target target, double tolerance) {
        this.target = target;
        this.tolerance = tolerance;
    }

    static double tolerance(Script s) {
        String t = s.tag("tolerance");
        return t.isEmpty() ? 0.03 : Double.parseDouble(t);
    }

    static Outcome run(Script script, Target target, int stackPort, int peerPort) {
        Interpreter in = new Interpreter(target, tolerance(script));
        in.strictPsh = script.tag("psh").equals("strict");
        target.begin(script, stackPort, peerPort);
        String failure;
        try {
            failure = in.execute(script, stackPort, peerPort);
        } catch (RuntimeException e) {
            failure = "harness error: " + e;
        } finally {
            target.end();
        }
        return new Outcome(failure, List.copyOf(in.trace));
    }

    private int stackPort;
    /** Header {@code psh: strict}: PSH is compared too (RFC 9293 §3.9.1 MUST-61). */
    private boolean strictPsh;

    private String execute(Script script, int initialStackPort, int peerPort) {
        stackPort = initialStackPort;
        this.peerPort = peerPort;
        echoIds.add(peerPort);
        double last = 0;
        for (Script.Line line : script.lines()) {
            last = line.time();
            switch (line) {
                case Script.Expect e -> {
                    double deadline = e.anyTime() ? e.time() + ANY_TIME_WAIT : e.latest() + tolerance;
                    Target.Captured c = next(deadline);
                    if (e.optional()) {
                        if (c != null) learnIsn(c.segment());
                        if (c != null && c.time() >= e.time() - tolerance && mismatch(e.p(), c.segment()) == null) {
                            trace.add("> " + render(c) + "  (optional)");
                        } else {
                            pushedBack = c;
                        }
                        continue;
                    }
                    if (c == null) {
                        return diff(line, "nothing by " + fmt(deadline) + "s");
                    }
                    learnIsn(c.segment());
                    String got = render(c);
                    trace.add("> " + got);
                    if (!e.anyTime() && c.time() < e.time() - tolerance) {
                        return diff(line, got + "   (sent too early: " + fmt(c.time()) + "s, tolerance "
                                + fmt(tolerance) + "s)");
                    }
                    String why = c.segment() == null ? "not a TCP segment" : mismatch(e.p(), c.segment());
                    if (why != null) return diff(line, got + "   (" + why + ")");
                }
                case Script.ExpectIp e -> {
                    double deadline = e.anyTime() ? e.time() + ANY_TIME_WAIT : e.latest() + tolerance;
                    Target.Captured c = next(deadline);
                    if (e.optional()) {
                        if (c != null && c.time() >= e.time() - tolerance && ipMismatch(e.spec(), c) == null) {
                            trace.add("> " + render(c) + "  (optional)");
                        } else {
                            pushedBack = c;
                        }
                        continue;
                    }
                    if (c == null) return diff(line, "nothing by " + fmt(deadline) + "s");
                    String got = render(c);
                    trace.add("> " + got);
                    if (!e.anyTime() && c.time() < e.time() - tolerance) {
                        return diff(line, got + "   (sent too early: " + fmt(c.time()) + "s, tolerance "
                                + fmt(tolerance) + "s)");
                    }
                    String why = ipMismatch(e.spec(), c);
                    if (why != null) return diff(line, got + "   (" + why + ")");
                }
                case Script.Send m -> {
                    String u = unexpected(m.time());
                    if (u != null) return u;
                    trace.add(fmt(m.time()) + " " + m.text().split("\\s+", 2)[1]);
                    Datagram.Sent[] sent = new Datagram.Sent[1];
                    byte[] packet = Datagram.build(m.spec(), stackPort, peerPort, peerPort, lastFromStack, sent);
                    lastSent = sent[0];
                    if (m.spec().kind() == IpSpec.Kind.ECHO) {
                        byte[] t = sent[0].transport();
                        int id = ((t[4] & 0xff) << 8) | (t[5] & 0xff), seq = ((t[6] & 0xff) << 8) | (t[7] & 0xff);
                        echoIds.add(id);
                        echoes.put(id << 16 | seq, sent[0]);
                    }
                    target.inject(packet);
                }
                case Script.Inject i -> {
                    String u = unexpected(i.time());
                    if (u != null) return u;
                    Segment s = build(i.p(), stackPort, peerPort);
                    trace.add(fmt(i.time()) + " " + i.text().split("\\s+", 2)[1]);
                    boolean ipOptions = i.p().variant().equals("ipopts");
                    byte[] packet = s.encode(ipOptions);
                    if (i.p().badChecksum()) packet[(ipOptions ? 24 : 20) + 16] ^= 0x5a;
                    target.inject(packet);
                }
                case Script.Icmp m -> {
                    String u = unexpected(m.time());
                    if (u != null) return u;
                    trace.add(fmt(m.time()) + " " + m.text().split("\\s+", 2)[1]);
                    target.inject(icmp(m, peerPort));
                }
                case Script.Call c -> {
                    String u = unexpected(c.time());
                    if (u != null) return u;
                    String r = target.call(c, tolerance);
                    trace.add(fmt(c.time()) + " " + c.op() + " = " + r);
                    if (c.expected() != null && !c.expected().equals(r)) {
                        return "line " + c.lineNo() + ": call result differs\n  expected: " + c.text()
                                + "\n  actual:   " + c.op() + (c.arg() != 0 ? " " + c.arg() : "") + " = " + r;
                    }
                }
            }
        }
        return unexpected(last);
    }

    private Target.Captured pushedBack;

    private Target.Captured next(double deadline) {
        Target.Captured c = pushedBack;
        if (c != null && c.time() <= deadline) {
            pushedBack = null;
            return c;
        }
        if (c != null) return null;
        while (true) {
            c = target.next(deadline);
            if (c == null) return null;
            Target.Captured mine = mine(c);
            if (mine != null) return mine;
        }
    }

    /**
     * The script's own packets, with the stack's fragments put back together: TCP and UDP to the peer's port, echo
     * replies with an identifier the script used, ICMP errors quoting a datagram of this script (its
     * identification range, or its ports). Anything else (a late error about another script's datagram, the
     * kernel's own traffic) is not the script's business.
     */
    private Target.Captured mine(Target.Captured c) {
        Datagram.Received r = collector.offer(c.packet());
        if (r == null) return null;
        byte[] p = c.packet();
        if (r.fragments() > 1) {
            p = wholePacket(r);
            fragmentCounts.put(p, r.fragments());
        }
        boolean ours = switch (r.protocol()) {
            case Datagram.TCP -> {
                Segment s = Segment.decode(p);
                yield s != null && s.dstPort() == peerPort;
            }
            case Datagram.UDP -> r.u16(2) == peerPort;
            case Datagram.ICMP -> {
                byte[] t = r.transport();
                if (t.length >= 8 && t[0] == 0) yield echoIds.contains(r.u16(4));
                if (!r.isIcmpError() || t.length < 28) yield false;
                int ident = r.u16(12);
                int base = Datagram.ident(peerPort, 0);
                int qhl = (t[8] & 0xf) * 4;
                int qproto = t[17] & 0xff;
                boolean portMatch = (qproto == Datagram.TCP || qproto == Datagram.UDP) && t.length >= 8 + qhl + 2
                        && r.u16(8 + qhl) == peerPort;
                yield ((ident - base) & 0xffff) < 16 || portMatch;
            }
            default -> false;
        };
        if (!ours) return null;
        lastFromStack = p;
        return new Target.Captured(c.time(), p);
    }

    private static byte[] wholePacket(Datagram.Received r) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(20 + r.transport().length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) b.capacity()).putShort((short) r.ident()).putShort((short) 0)
                .put((byte) r.ttl()).put((byte) r.protocol()).putShort((short) 0).putInt(r.src()).putInt(r.dst())
                .put(r.transport());
        b.putShort(10, (short) Segment.checksum(b.array(), 0, 20, 0));
        return b.array();
    }

    private String ipMismatch(IpSpec spec, Target.Captured c) {
        Datagram.Received r = Datagram.Received.decode(c.packet());
        if (r == null) return "not an IPv4 packet";
        return Datagram.mismatch(spec, r, stackPort, peerPort, peerPort, lastSent, echoes);
    }

    private String unexpected(double t) {
        Target.Captured c = next(t);
        if (c == null) return null;
        learnIsn(c.segment());
        String got = render(c);
        trace.add("> " + got + "  UNEXPECTED");
        return "unexpected packet before the script's " + fmt(t) + "s step\n  expected: (none)\n  actual:   " + got;
    }

    private String diff(Script.Line line, String actual) {
        return "line " + line.lineNo() + ": expected packet not matched\n  expected: " + line.text()
                + "\n  actual:   " + actual;
    }

    private void learnIsn(Segment s) {
        if (s == null) return;
        stackPort = s.srcPort(); // an active open's port is the stack's choice
        if (localIsn == null && (s.flags() & Segment.SYN) != 0) localIsn = (long) s.seq();
    }

    private int lisn() {
        return localIsn == null ? 0 : (int) (long) localIsn;
    }

    private Segment build(Script.Pattern p, int stackPort, int peerPort) {
        List<Segment.TcpOption> opts = new ArrayList<>();
        for (Script.OptPattern o : p.options() == null ? List.<Script.OptPattern>of() : p.options()) {
            long[] v = new long[o.values().length];
            for (int k = 0; k < v.length; k++) {
                v[k] = o.values()[k];
                if (o.name().equals("sack")) v[k] = (v[k] + lisn()) & 0xffffffffL;
            }
            opts.add(new Segment.TcpOption(o.name(), v));
        }
        int ack = (p.flags() & Segment.ACK) != 0 && p.ack() != null ? (int) (p.ack() + lisn()) : 0;
        int win = p.window() == null ? 65535 : p.window();
        int src = p.variant().equals("frombcast") ? Target.LIMITED_BROADCAST : Target.PEER;
        int dst = p.variant().equals("tobcast") ? Target.SUBNET_BROADCAST : Target.STACK;
        return new Segment(src, dst, peerPort, stackPort, (int) (PEER_ISN + p.seq()), ack, p.flags(), win, opts,
                p.len());
    }

    /**
     * An ICMP error from the peer (RFC 792) quoting the IPv4 header and the first 8 bytes of a segment the stack
     * sent on this connection (RFC 1122 §3.2.2: at least 8 bytes of the original datagram's data).
     */
    private byte[] icmp(Script.Icmp m, int peerPort) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(20 + 8 + 28);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 56).putInt(0).put((byte) 64).put((byte) 1).putShort((short) 0)
                .putInt(Target.PEER).putInt(Target.STACK);
        b.putShort(10, (short) Segment.checksum(b.array(), 0, 20, 0));
        b.put((byte) m.type()).put((byte) m.code()).putShort((short) 0).putShort((short) 0).putShort((short) m.mtu());
        b.put((byte) 0x45).put((byte) 0).putShort((short) 40).putInt(0).put((byte) 64).put((byte) 6).putShort((short) 0)
                .putInt(Target.STACK).putInt(Target.PEER);
        b.putShort(30, (short) Segment.checksum(b.array(), 28, 20, 0));
        b.putShort((short) stackPort).putShort((short) peerPort).putInt((int) (lisn() + m.seq()));
        b.putShort(22, (short) Segment.checksum(b.array(), 20, 36, 0));
        return b.array();
    }

    /** Why the segment does not match, or null. PSH is ignored (RFC 9293 §3.9.1: a sender's choice). */
    private String mismatch(Script.Pattern p, Segment s) {
        if (!s.checksumOk()) return "bad TCP checksum";
        if (s.src() != Target.STACK || s.dst() != Target.PEER) return "addresses differ";
        int mask = strictPsh ? ~0xc0 : ~(Segment.PSH | 0xc0);
        if ((p.flags() & mask) != (s.flags() & mask)) return "flags differ";
        long seq = s.seq() - lisn();
        if (p.seq() != null && seq != p.seq()) return "seq differs";
        if (p.len() != null && s.payloadLength() != p.len()) return "length differs";
        if ((p.flags() & Segment.ACK) != 0 && p.ack() != null && (long) (s.ack() - PEER_ISN) != p.ack()) {
            return "ack differs";
        }
        if (p.window() != null && s.window() != p.window()) return "window differs";
        if (p.options() != null) {
            List<Segment.TcpOption> o = s.options();
            if (o.size() != p.options().size()) return "options differ";
            for (int k = 0; k < o.size(); k++) {
                Script.OptPattern want = p.options().get(k);
                Segment.TcpOption have = o.get(k);
                if (!want.name().equals(have.name())) return "options differ";
                for (int j = 0; j < want.values().length; j++) {
                    if (want.values()[j] == null) continue;
                    if (j >= have.values().length) return "options differ";
                    long h = have.values()[j];
                    if (want.name().equals("sack")) h = (int) (h - PEER_ISN);
                    if (h != want.values()[j]) return "option " + want.name() + " differs";
                }
            }
        }
        return null;
    }

    private String render(Target.Captured c) {
        Segment s = c.segment();
        if (s == null) {
            Datagram.Received r = Datagram.Received.decode(c.packet());
            if (r == null) return fmt(c.time()) + " > (not IPv4)";
            Integer n = fragmentCounts.get(c.packet());
            if (n != null) {
                r = new Datagram.Received(r.version(), r.headerLength(), r.ident(), r.ttl(), r.protocol(), r.src(),
                        r.dst(), r.headerOk(), r.transport(), n);
            }
            return fmt(c.time()) + " > " + Datagram.render(r, stackPort, peerPort);
        }
        int seq = s.seq() - lisn();
        StringBuilder b = new StringBuilder(fmt(c.time())).append(" > ").append(Segment.flagString(s.flags()))
                .append(' ').append(seq).append(':').append(seq + s.payloadLength()).append('(')
                .append(s.payloadLength()).append(')');
        if ((s.flags() & Segment.ACK) != 0) b.append(" ack ").append(s.ack() - PEER_ISN);
        b.append(" win ").append(s.window());
        if (!s.checksumOk()) b.append(" badsum");
        if (s.src() != Target.STACK || s.dst() != Target.PEER) {
            b.append(" from ").append(io.jstack.wire.Ipv4Address.toString(s.src())).append(" to ")
                    .append(io.jstack.wire.Ipv4Address.toString(s.dst()));
        }
        if (!s.options().isEmpty()) {
            List<Segment.TcpOption> rel = new ArrayList<>();
            for (Segment.TcpOption o : s.options()) {
                if (!o.name().equals("sack")) {
                    rel.add(o);
                    continue;
                }
                long[] v = o.values().clone();
                for (int k = 0; k < v.length; k++) v[k] = (int) (v[k] - PEER_ISN);
                rel.add(new Segment.TcpOption("sack", v));
            }
            b.append(' ').append(Segment.optionString(rel));
        }
        return b.toString();
    }

    static String fmt(double t) {
        return String.format("%.3f", t);
    }
}
