package io.jstack.tools.inspect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Stevens/tcptrace time-sequence graph of one TCP stream as SVG: each data segment of the sending direction is an
 * I-beam from its first to its last sequence number (retransmissions in red), the peer's cumulative ACK is a step
 * line, and the receive window's right edge (ACK + window) is a second step line above it.
 */
final class TcpTraceSvg {
    static final int WIDTH = 960, HEIGHT = 600, LEFT = 90, RIGHT = 30, TOP = 50, BOTTOM = 60;

    private TcpTraceSvg() {}

    static String render(List<Packet> packets, int stream) {
        List<Packet.TcpSegment> segs = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        long sentByClient = 0, sentByServer = 0;
        for (Packet p : packets) {
            if (p.tcp == null || p.tcp.stream() != stream) continue;
            segs.add(p.tcp);
            times.add(p.relNanos);
            if (p.tcp.fromClient()) sentByClient += p.tcp.len();
            else sentByServer += p.tcp.len();
        }
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
                WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        if (segs.isEmpty()) {
            svg.append(String.format("<text x=\"%d\" y=\"%d\">No TCP stream %d in this capture</text>%n", LEFT, TOP + 20, stream));
            return svg.append("</svg>\n").toString();
        }
        boolean senderIsClient = sentByClient >= sentByServer;
        Packet.TcpSegment first = segs.get(0);
        String sender = senderIsClient == first.fromClient() ? first.src() + ":" + first.srcPort() : first.dst() + ":" + first.dstPort();
        String receiver = senderIsClient == first.fromClient() ? first.dst() + ":" + first.dstPort() : first.src() + ":" + first.srcPort();
        long t0 = times.get(0), t1 = t0, seqMin = Long.MAX_VALUE, seqMax = Long.MIN_VALUE;
        for (int i = 0; i < segs.size(); i++) {
            Packet.TcpSegment s = segs.get(i);
            t1 = Math.max(t1, times.get(i));
            if (s.fromClient() == senderIsClient) {
                seqMin = Math.min(seqMin, s.seq());
                seqMax = Math.max(seqMax, s.seq() + s.len());
            } else if ((s.flags() & Dissector.ACK) != 0) {
                seqMin = Math.min(seqMin, s.ack());
                seqMax = Math.max(seqMax, s.ack() + s.window());
            }
        }
        if (seqMin == Long.MAX_VALUE) { seqMin = 0; seqMax = 1; }
        if (seqMax <= seqMin) seqMax = seqMin + 1;
        if (t1 <= t0) t1 = t0 + 1_000_000;
        long tEnd = t1 + (t1 - t0) / 30; // room on the right for the last segment
        Scale x = new Scale(t0, tEnd, LEFT, WIDTH - RIGHT), y = new Scale(seqMin, seqMax, HEIGHT - BOTTOM, TOP);
        svg.append(String.format("<text x=\"%d\" y=\"24\" font-size=\"15\">Sequence Numbers (tcptrace) for %s → %s (stream %d)</text>%n",
                LEFT, esc(sender), esc(receiver), stream));
        axes(svg, x, y);
        // receive window and ACK lines from the receiver's segments
        StringBuilder ackPath = new StringBuilder(), winPath = new StringBuilder();
        double lastAckY = Double.NaN, lastWinY = Double.NaN;
        for (int i = 0; i < segs.size(); i++) {
            Packet.TcpSegment s = segs.get(i);
            if (s.fromClient() == senderIsClient || (s.flags() & Dissector.ACK) == 0) continue;
            double px = x.map(times.get(i)), ay = y.map(s.ack()), wy = y.map(s.ack() + s.window());
            ackPath.append(Double.isNaN(lastAckY) ? "M" : " H" + fmt(px) + " V").append(Double.isNaN(lastAckY) ? fmt(px) + " " + fmt(ay) : fmt(ay));
            winPath.append(Double.isNaN(lastWinY) ? "M" : " H" + fmt(px) + " V").append(Double.isNaN(lastWinY) ? fmt(px) + " " + fmt(wy) : fmt(wy));
            lastAckY = ay;
            lastWinY = wy;
        }
        if (!ackPath.isEmpty()) {
            ackPath.append(" H").append(fmt(x.map(tEnd)));
            winPath.append(" H").append(fmt(x.map(tEnd)));
            svg.append("<path class=\"window\" d=\"").append(winPath).append("\" fill=\"none\" stroke=\"#2ca02c\" stroke-width=\"1.5\"/>\n");
            svg.append("<path class=\"ack\" d=\"").append(ackPath).append("\" fill=\"none\" stroke=\"#a0522d\" stroke-width=\"1.5\"/>\n");
        }
        for (int i = 0; i < segs.size(); i++) {
            Packet.TcpSegment s = segs.get(i);
            if (s.fromClient() != senderIsClient) continue;
            long end = s.seq() + Math.max(s.len(), (s.flags() & (Dissector.SYN | Dissector.FIN)) != 0 ? 1 : 0);
            if (end == s.seq()) continue;
            boolean again = (s.analysis() & (TcpTracker.RETRANSMISSION | TcpTracker.FAST_RETRANSMISSION | TcpTracker.SPURIOUS_RETRANSMISSION)) != 0;
            String color = again ? "#d62728" : "#1f4e9c";
            double px = x.map(times.get(i)), ya = y.map(s.seq()), yb = y.map(end);
            svg.append(String.format(Locale.ROOT,
                    "<path class=\"%s\" d=\"M%s %s V%s M%s %s H%s M%s %s H%s\" stroke=\"%s\" stroke-width=\"1.2\" fill=\"none\"><title>seq %d-%d at %ss</title></path>%n",
                    again ? "segment retransmission" : "segment", fmt(px), fmt(ya), fmt(yb), fmt(px - 3), fmt(ya), fmt(px + 3), fmt(px - 3), fmt(yb), fmt(px + 3),
                    color, s.seq(), end, Format.seconds(times.get(i), 6)));
        }
        legend(svg);
        return svg.append("</svg>\n").toString();
    }

    private record Scale(double lo, double hi, double from, double to) {
        double map(double v) {
            return from + (v - lo) / (hi - lo) * (to - from);
        }
    }

    private static void axes(StringBuilder svg, Scale x, Scale y) {
        svg.append(String.format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM));
        svg.append(String.format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", LEFT, TOP, LEFT, HEIGHT - BOTTOM));
        for (int i = 0; i <= 5; i++) {
            double tv = x.lo() + (x.hi() - x.lo()) * i / 5, px = x.map(tv);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%s\" y1=\"%d\" x2=\"%s\" y2=\"%d\" stroke=\"black\"/><text x=\"%s\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    fmt(px), HEIGHT - BOTTOM, fmt(px), HEIGHT - BOTTOM + 5, fmt(px), HEIGHT - BOTTOM + 20, Format.seconds((long) tv, 3)));
            long sv = Math.round(y.lo() + (y.hi() - y.lo()) * i / 5);
            double py = y.map(sv);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%s\" x2=\"%d\" y2=\"%s\" stroke=\"black\"/><text x=\"%d\" y=\"%s\" text-anchor=\"end\">%d</text>%n",
                    LEFT - 5, fmt(py), LEFT, fmt(py), LEFT - 8, fmt(py + 4), sv));
        }
        svg.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">Time (s)</text>%n", (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 15));
        svg.append(String.format("<text x=\"20\" y=\"%d\" transform=\"rotate(-90 20 %d)\" text-anchor=\"middle\">Sequence number (relative)</text>%n",
                (TOP + HEIGHT - BOTTOM) / 2, (TOP + HEIGHT - BOTTOM) / 2));
    }

    private static void legend(StringBuilder svg) {
        int lx = WIDTH - RIGHT - 190, ly = TOP + 10;
        String[][] items = {{"#1f4e9c", "data segment"}, {"#d62728", "retransmitted segment"}, {"#a0522d", "ACK"}, {"#2ca02c", "receive window edge"}};
        for (int i = 0; i < items.length; i++) {
            svg.append(String.format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/><text x=\"%d\" y=\"%d\">%s</text>%n",
                    lx, ly + i * 16, lx + 20, ly + i * 16, items[i][0], lx + 26, ly + i * 16 + 4, items[i][1]));
        }
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
