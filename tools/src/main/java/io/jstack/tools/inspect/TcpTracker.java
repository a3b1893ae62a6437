package io.jstack.tools.inspect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * TCP stream state as Wireshark keeps it on its first pass: stream numbers, relative sequence bases, window scaling,
 * and the sequence analysis of its user guide's "TCP Analysis" section. Sequence numbers are compared modulo 2^32
 * (RFC 9293 §3.4).
 */
final class TcpTracker {
    static final int RETRANSMISSION = 1, FAST_RETRANSMISSION = 2, SPURIOUS_RETRANSMISSION = 4, OUT_OF_ORDER = 8,
            LOST_SEGMENT = 16, ACKED_UNSEEN = 32, WINDOW_UPDATE = 64, WINDOW_FULL = 128, KEEP_ALIVE = 256,
            KEEP_ALIVE_ACK = 512, DUPLICATE_ACK = 1024, ZERO_WINDOW_PROBE = 2048, ZERO_WINDOW = 4096,
            ZERO_WINDOW_PROBE_ACK = 8192, REUSED_PORTS = 16384;
    static final int MAX_STREAMS = 100_000;

    /** One direction of a stream. */
    static final class Direction {
        long base;
        boolean baseSet, baseFromSyn;
        int winScale = -1; // -1 unknown, -2 not used, else the shift
        long window = -1;  // last window seen (scaled)
        long nextSeq, maxSeqToBeAcked, lastAck;
        boolean nextSeqSet, maxSeqSet, lastAckSet;
        long nextSeqTime, lastAckTime;
        int nextSeqFrame, lastNonDupAck, dupAckNum, dupAckFrame, lastSegmentFlags;
        final Http.State http = new Http.State();

        /** Returns true when a SYN-ACK brings a new initial sequence number: Wireshark's "port numbers reused". */
        boolean learnBase(long seq, int flags) {
            if ((flags & (Dissector.SYN | Dissector.ACK)) == (Dissector.SYN | Dissector.ACK) && baseFromSyn && base != seq) {
                base = seq;
                return true;
            }
            if ((flags & Dissector.SYN) != 0 && !baseFromSyn) {
                base = seq;
                baseSet = baseFromSyn = true;
            } else if (!baseSet) {
                base = (seq - 1) & 0xffffffffL;
                baseSet = true;
            }
            return false;
        }

        void learnBaseFromAck(long ack) {
            if (!baseSet) {
                base = (ack - 1) & 0xffffffffL;
                baseSet = true;
            }
        }

        /** RFC 7323 §2.2: scaling holds only when both SYNs carry the option. */
        void learnScale(int flags, int ws, Direction rev) {
            if ((flags & Dissector.SYN) == 0) return;
            winScale = ws >= 0 ? Math.min(ws, 14) : -2;
            if ((flags & Dissector.ACK) != 0 && (winScale == -2 || rev.winScale == -2)) {
                winScale = -2;
                rev.winScale = -2;
            }
        }

        /** RFC 7323 §2.3: the window field of a SYN is never scaled. */
        long scaledWindow(int win, int flags) {
            if ((flags & Dissector.SYN) != 0 || winScale < 0) return win;
            return (long) win << winScale;
        }

        String scaleFactorText(int flags) {
            if (winScale == -1) return "-1 (unknown)";
            if (winScale == -2) return "-2 (no window scaling used)";
            return String.valueOf((flags & Dissector.SYN) != 0 ? 1 : 1 << winScale);
        }
    }

    /** One TCP conversation; the client is the side whose packet was seen first. */
    static final class Stream {
        final int index;
        final String clientAddr, serverAddr;
        final int clientPort, serverPort;
        final Direction client = new Direction(), server = new Direction();
        final long firstTs;
        long synTime = Long.MIN_VALUE, irtt;
        boolean irttSet;

        Stream(int index, String ca, int cp, String sa, int sp, long ts) {
            this.index = index;
            this.clientAddr = ca;
            this.clientPort = cp;
            this.serverAddr = sa;
            this.serverPort = sp;
            this.firstTs = ts;
        }

        boolean isClient(String addr, int port) {
            return clientAddr.equals(addr) && clientPort == port;
        }
    }

    private final Map<String, Stream> byTuple = new HashMap<>();
    private int nextIndex;
    private long nowTs;

    private static String key(String a, int ap, String b, int bp) {
        String x = a + ":" + ap, y = b + ":" + bp;
        return x.compareTo(y) < 0 ? x + "|" + y : y + "|" + x;
    }

    Stream stream(String src, int sp, String dst, int dp, int flags, long seq) {
        String k = key(src, sp, dst, dp);
        Stream s = byTuple.get(k);
        boolean newSyn = (flags & (Dissector.SYN | Dissector.ACK)) == Dissector.SYN;
        if (s != null && newSyn) {
            Direction d = s.isClient(src, sp) ? s.client : s.server;
            if (d.baseFromSyn && d.base != seq) s = null; // a new connection reusing the 4-tuple
        }
        if (s == null) {
            if (byTuple.size() >= MAX_STREAMS) byTuple.clear(); // bounded memory when tracing a long-running host
            s = new Stream(nextIndex++, src, sp, dst, dp, nowTs);
            byTuple.put(k, s);
        }
        return s;
    }

    void setNow(long ts) {
        nowTs = ts;
    }

    private static boolean lt(long a, long b) {
        return (int) (a - b) < 0;
    }

    private static boolean gt(long a, long b) {
        return (int) (a - b) > 0;
    }

    private static long add(long a, long b) {
        return (a + b) & 0xffffffffL;
    }

    /** Wireshark's sequence analysis of one segment; returns the TCP_A_* style flag set. */
    int analyze(Packet p, Stream st, Direction fwd, Direction rev, long seq, long ack, int seglen, int flags, long window) {
        long now = p.frame.tsNanos();
        int a = 0;
        boolean synFinRst = (flags & (Dissector.SYN | Dissector.FIN | Dissector.RST)) != 0;
        // the initial RTT: from the SYN to the first ACK that is not a SYN
        if ((flags & (Dissector.SYN | Dissector.ACK)) == Dissector.SYN) st.synTime = now;
        else if ((flags & Dissector.ACK) != 0 && (flags & Dissector.SYN) == 0 && !st.irttSet && st.synTime != Long.MIN_VALUE) {
            st.irtt = now - st.synTime;
            st.irttSet = true;
        }
        boolean checkRest = true;
        if (seglen == 1 && fwd.nextSeqSet && seq == fwd.nextSeq && rev.window == 0) { // zero window probe
            a |= ZERO_WINDOW_PROBE;
            checkRest = false;
        }
        if (checkRest) {
            if (window == 0 && !synFinRst) a |= ZERO_WINDOW;
            if (fwd.nextSeqSet && gt(seq, fwd.nextSeq) && (flags & Dissector.RST) == 0) a |= LOST_SEGMENT;
            if ((seglen == 0 || seglen == 1) && fwd.nextSeqSet && seq == add(fwd.nextSeq, -1) && !synFinRst) a |= KEEP_ALIVE;
            if (seglen == 0 && window != 0 && window != fwd.window && fwd.nextSeqSet && seq == fwd.nextSeq
                    && fwd.lastAckSet && ack == fwd.lastAck && !synFinRst) {
                a |= WINDOW_UPDATE;
            }
            if (seglen > 0 && rev.winScale != -1 && rev.lastAckSet && rev.window >= 0
                    && add(seq, seglen) == add(rev.lastAck, rev.window) && !synFinRst) {
                a |= WINDOW_FULL;
            }
            boolean sameAsLast = seglen == 0 && window == fwd.window && fwd.nextSeqSet && seq == fwd.nextSeq
                    && fwd.lastAckSet && ack == fwd.lastAck && !synFinRst;
            if (sameAsLast && window != 0 && (rev.lastSegmentFlags & KEEP_ALIVE) != 0) {
                a |= KEEP_ALIVE_ACK;
            } else if (sameAsLast && window == 0 && (rev.lastSegmentFlags & ZERO_WINDOW_PROBE) != 0) {
                a |= ZERO_WINDOW_PROBE_ACK;
            } else if (sameAsLast && window != 0) {
                fwd.dupAckNum = fwd.dupAckNum == -1 ? 1 : fwd.dupAckNum + 1; // -1: an "ACKed unseen" was seen
                a |= DUPLICATE_ACK;
                fwd.dupAckFrame = fwd.lastNonDupAck;
            }
        }
        // only an ACK that moves resets the count: a window update between duplicates does not
        if (!fwd.lastAckSet || ack != fwd.lastAck) {
            fwd.lastNonDupAck = p.number;
            fwd.dupAckNum = 0;
        }
        if (rev.maxSeqSet && gt(ack, rev.maxSeqToBeAcked) && (flags & Dissector.ACK) != 0) {
            if (rev.maxSeqToBeAcked > rev.nextSeq) { // unsigned, as Wireshark compares them
                rev.maxSeqToBeAcked = rev.nextSeq;
                a |= ACKED_UNSEEN;
            } else {
                // the same unseen data acknowledged again: reported once (Wireshark marks the peer's count)
                if (rev.dupAckNum == 0) a |= ACKED_UNSEEN;
                rev.dupAckNum = -1;
            }
        }
        if (seglen > 0 || (flags & (Dissector.SYN | Dissector.FIN)) != 0) {
            boolean notAdvanced = fwd.nextSeqSet && lt(seq, fwd.nextSeq);
            if (seglen > 1 && fwd.nextSeqSet && add(fwd.nextSeq, -1) == seq) notAdvanced = false; // after a window probe
            long ooThreshold = st.irttSet && st.irtt > 0 ? st.irtt : 3_000_000L;
            if ((a & KEEP_ALIVE) != 0) {
                // a keep-alive is never a retransmission
            } else if (seglen > 0 && rev.lastAckSet && rev.lastAck != 0 && !gt(add(seq, seglen), rev.lastAck)) {
                a |= SPURIOUS_RETRANSMISSION;
            } else if (notAdvanced && (rev.dupAckNum >= 2 || rev.dupAckNum == -1) // -1 is huge unsigned in Wireshark
                    && rev.lastAckSet && rev.lastAck == seq && Long.compareUnsigned(now - rev.lastAckTime, 20_000_000L) < 0) {
                a |= FAST_RETRANSMISSION;
            } else if (notAdvanced && Long.compareUnsigned(now - fwd.nextSeqTime, ooThreshold) < 0 // unsigned: time going back is "long ago"
                    && fwd.nextSeq != add(seq, seglen + ((flags & (Dissector.SYN | Dissector.FIN)) != 0 ? 1 : 0))) {
                a |= OUT_OF_ORDER;
            } else if (notAdvanced) {
                a |= RETRANSMISSION;
            }
        }
        long next = add(seq, seglen);
        if ((flags & (Dissector.SYN | Dissector.FIN)) != 0) next = add(next, 1);
        if ((a & ZERO_WINDOW_PROBE) == 0) {
            if (!fwd.nextSeqSet || gt(next, fwd.nextSeq)) {
                fwd.nextSeq = next;
                fwd.nextSeqSet = true;
                fwd.nextSeqFrame = p.number;
                fwd.nextSeqTime = now;
            }
            if (!fwd.maxSeqSet || seq == fwd.maxSeqToBeAcked) {
                fwd.maxSeqToBeAcked = fwd.nextSeq;
                fwd.maxSeqSet = true;
            }
        }
        fwd.window = window;
        fwd.lastAck = ack;
        fwd.lastAckSet = true;
        fwd.lastAckTime = now;
        fwd.lastSegmentFlags = a;
        return a;
    }

    /** Adds the analysis fields and the info-column prefixes, with Wireshark's order and precedence. */
    static void addAnalysis(Packet p, Node tcpNode, int a, Direction fwd) {
        if (a == 0) return;
        Node n = tcpNode.add("[SEQ/ACK analysis]");
        Node f = n.add("[TCP Analysis Flags]");
        List<String> prefixes = new ArrayList<>();
        if ((a & REUSED_PORTS) != 0) {
            p.field("tcp.analysis.reused_ports", 1);
            f.add("[A new tcp session is started with the same ports as an earlier session in this trace]");
            prefixes.add("[TCP Port numbers reused] ");
        }
        if ((a & (RETRANSMISSION | FAST_RETRANSMISSION | SPURIOUS_RETRANSMISSION)) != 0) p.field("tcp.analysis.retransmission", 1);
        if ((a & RETRANSMISSION) != 0) {
            f.add("[This frame is a (suspected) retransmission]");
            prefixes.add("[TCP Retransmission] ");
        }
        if ((a & FAST_RETRANSMISSION) != 0) {
            p.field("tcp.analysis.fast_retransmission", 1);
            f.add("[This frame is a (suspected) fast retransmission]");
            prefixes.add("[TCP Fast Retransmission] ");
        }
        if ((a & SPURIOUS_RETRANSMISSION) != 0) {
            p.field("tcp.analysis.spurious_retransmission", 1);
            f.add("[This frame is a (suspected) spurious retransmission]");
            prefixes.add("[TCP Spurious Retransmission] ");
        }
        if ((a & OUT_OF_ORDER) != 0) {
            p.field("tcp.analysis.out_of_order", 1);
            f.add("[This frame is a (suspected) out-of-order segment]");
            prefixes.add("[TCP Out-Of-Order] ");
        }
        if ((a & LOST_SEGMENT) != 0) {
            p.field("tcp.analysis.lost_segment", 1);
            f.add("[A segment before this frame wasn't captured]");
            prefixes.add("[TCP Previous segment not captured] ");
        }
        if ((a & ACKED_UNSEEN) != 0) {
            p.field("tcp.analysis.ack_lost_segment", 1);
            f.add("[This frame ACKs a segment we have not seen (lost?)]");
            prefixes.add("[TCP ACKed unseen segment] ");
        }
        if ((a & WINDOW_UPDATE) != 0) {
            p.field("tcp.analysis.window_update", 1);
            f.add("[This is a TCP window update]");
            prefixes.add("[TCP Window Update] ");
        }
        if ((a & WINDOW_FULL) != 0) {
            p.field("tcp.analysis.window_full", 1);
            f.add("[The transmission window is now completely full]");
            prefixes.add("[TCP Window Full] ");
        }
        if ((a & KEEP_ALIVE) != 0) {
            p.field("tcp.analysis.keep_alive", 1);
            f.add("[This is a TCP keep-alive segment]");
            prefixes.add("[TCP Keep-Alive] ");
        }
        if ((a & KEEP_ALIVE_ACK) != 0) {
            p.field("tcp.analysis.keep_alive_ack", 1);
            f.add("[This is an ACK to a TCP keep-alive segment]");
            prefixes.add("[TCP Keep-Alive ACK] ");
        }
        if ((a & DUPLICATE_ACK) != 0) {
            // Wireshark adds the flag item and an expert item of the same name: two values
            p.field("tcp.analysis.duplicate_ack", 1);
            p.field("tcp.analysis.duplicate_ack", 1);
            f.add("[This is a TCP duplicate ack]");
            n.add("[Duplicate ACK #: " + fwd.dupAckNum + "]");
            n.add("[Duplicate to the ACK in frame: " + fwd.dupAckFrame + "]");
            prefixes.add("[TCP Dup ACK " + fwd.dupAckFrame + "#" + fwd.dupAckNum + "] ");
        }
        if ((a & ZERO_WINDOW_PROBE) != 0) {
            p.field("tcp.analysis.zero_window_probe", 1);
            f.add("[This is a TCP zero-window-probe]");
            prefixes.add("[TCP ZeroWindowProbe] ");
        }
        if ((a & ZERO_WINDOW) != 0) {
            p.field("tcp.analysis.zero_window", 1);
            f.add("[This is a ZeroWindow segment]");
            prefixes.add("[TCP ZeroWindow] ");
        }
        if ((a & ZERO_WINDOW_PROBE_ACK) != 0) {
            p.field("tcp.analysis.zero_window_probe_ack", 1);
            f.add("[This is an ACK to a TCP zero-window-probe]");
            prefixes.add("[TCP ZeroWindowProbeAck] ");
        }
        // each is prepended in turn, so the last one found comes first
        StringBuilder s = new StringBuilder();
        for (int i = prefixes.size() - 1; i >= 0; i--) s.append(prefixes.get(i));
        p.info.insert(0, s);
        p.infoFence = s.length();
    }
}
