package io.jstack.tools.inspect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The statistics tshark prints with -z: follow,tcp,ascii; conv,tcp; io,stat. */
final class Reports {
    private static final String FOLLOW_RULE = "=".repeat(67);

    private Reports() {}

    /**
     * One stream's payload in sequence order, each direction reassembled (out-of-order segments wait for the gap to
     * fill, retransmitted bytes are printed once), as {@code tshark -z follow,tcp,ascii,N}.
     */
    static String follow(List<Packet> packets, int stream) {
        StringBuilder out = new StringBuilder("\n").append(FOLLOW_RULE).append('\n');
        out.append("Follow: tcp,ascii\nFilter: tcp.stream eq ").append(stream).append('\n');
        Packet.TcpSegment first = null;
        for (Packet p : packets) if (p.tcp != null && p.tcp.stream() == stream) { first = p.tcp; break; }
        if (first == null) out.append("Node 0: :0\nNode 1: :0\n"); // what tshark prints for a stream it did not see
        if (first != null) {
            String a = first.src() + ":" + first.srcPort(), b = first.dst() + ":" + first.dstPort();
            out.append("Node 0: ").append(a).append('\n').append("Node 1: ").append(b).append('\n');
            Reassembly[] dirs = {new Reassembly(), new Reassembly()};
            for (Packet p : packets) {
                Packet.TcpSegment s = p.tcp;
                if (s == null || s.stream() != stream) continue;
                int node = (s.src() + ":" + s.srcPort()).equals(a) ? 0 : 1;
                Reassembly r = dirs[node];
                if ((s.flags() & Dissector.SYN) != 0) {
                    r.next = s.seq() + 1;
                    r.started = true;
                }
                if (s.len() == 0 || s.payload().length == 0) continue;
                for (byte[] chunk : r.accept(s.seq(), s.payload())) {
                    out.append(node == 1 ? "\t" : "").append(chunk.length).append('\n').append(ascii(chunk)).append('\n');
                }
            }
        }
        return out.append(FOLLOW_RULE).append('\n').toString();
    }

    /** One direction's in-order delivery: what {@code accept} returns is new, contiguous data. */
    static final class Reassembly {
        long next;
        boolean started;
        final TreeMap<Long, byte[]> pending = new TreeMap<>();
        static final int MAX_PENDING = 4096;

        List<byte[]> accept(long seq, byte[] data) {
            List<byte[]> out = new ArrayList<>();
            if (!started) {
                next = seq;
                started = true;
            }
            if (seq > next) {
                if (pending.size() < MAX_PENDING) pending.putIfAbsent(seq, data);
                return out;
            }
            deliver(seq, data, out);
            while (!pending.isEmpty() && pending.firstKey() <= next) {
                var e = pending.pollFirstEntry();
                deliver(e.getKey(), e.getValue(), out);
            }
            return out;
        }

        private void deliver(long seq, byte[] data, List<byte[]> out) {
            long end = seq + data.length;
            if (end <= next) return;
            byte[] fresh = Arrays.copyOfRange(data, (int) (next - seq), data.length);
            out.add(fresh);
            next = end;
        }
    }

    static String ascii(byte[] b) {
        StringBuilder s = new StringBuilder(b.length);
        for (byte x : b) {
            int c = x & 0xff;
            s.append(c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c < 0x7f) ? (char) c : '.');
        }
        return s.toString();
    }

    private static final class Conv {
        String a, b;
        long framesAB, bytesAB, framesBA, bytesBA;
        long start = Long.MAX_VALUE, end = Long.MIN_VALUE;
    }

    /** The TCP conversation table of {@code tshark -z conv,tcp}: frames and bytes each way, start and duration. */
    static String conversations(List<Packet> packets) {
        Map<Integer, Conv> convs = new LinkedHashMap<>();
        for (Packet p : packets) {
            Packet.TcpSegment s = p.tcp;
            if (s == null) continue;
            Conv c = convs.computeIfAbsent(s.stream(), k -> {
                Conv n = new Conv();
                n.a = s.src() + ":" + s.srcPort();
                n.b = s.dst() + ":" + s.dstPort();
                return n;
            });
            if ((s.src() + ":" + s.srcPort()).equals(c.a)) {
                c.framesAB++;
                c.bytesAB += p.frame.origLen();
            } else {
                c.framesBA++;
                c.bytesBA += p.frame.origLen();
            }
            c.start = Math.min(c.start, p.relNanos);
            c.end = Math.max(c.end, p.relNanos);
        }
        List<Conv> rows = new ArrayList<>(convs.values());
        rows.sort((x, y) -> Long.compare(y.bytesAB + y.bytesBA, x.bytesAB + x.bytesBA));
        String rule = "=".repeat(80);
        StringBuilder out = new StringBuilder(rule).append('\n');
        out.append("TCP Conversations\nFilter:<No Filter>\n");
        out.append(String.format("%59s|       <-      | |       ->      | |     Total     |    Relative    |   Duration   |%n", ""));
        out.append(String.format("%59s| Frames  Bytes | | Frames  Bytes | | Frames  Bytes |      Start     |              |%n", ""));
        for (Conv c : rows) {
            // "<-" counts what B sent to A, "->" what A sent to B, as tshark does; the duration is a difference of
            // seconds in floating point, as tshark computes it, so that it rounds the same way
            out.append(String.format("%-26s <-> %-26s %7d %-9s %7d %-9s %7d %-9s %15s %14s%n", c.a, c.b,
                    c.framesBA, size(c.bytesBA), c.framesAB, size(c.bytesAB), c.framesBA + c.framesAB,
                    size(c.bytesAB + c.bytesBA), Format.seconds(c.start, 9), Format.fixed(c.end / 1e9 - c.start / 1e9, 4)));
        }
        return out.append(rule).append('\n').toString();
    }

    /** Byte counts as Wireshark prints sizes: bytes below 10 000, then kB, MB (SI). */
    static String size(long bytes) {
        if (bytes < 10_000) return bytes + " bytes";
        if (bytes < 10_000_000) return bytes / 1000 + " kB";
        if (bytes < 10_000_000_000L) return bytes / 1_000_000 + " MB";
        return bytes / 1_000_000_000 + " GB";
    }

    /** Frames and bytes per interval, like {@code tshark -z io,stat,INTERVAL}. */
    static String ioStat(List<Packet> packets, double interval) {
        long step = Math.max(1, Math.round(interval * 1e9));
        long last = 0;
        for (Packet p : packets) last = Math.max(last, p.relNanos);
        int decimals = 0;
        for (double v = interval; decimals < 6 && Math.abs(v - Math.rint(v)) > 1e-9; v *= 10) decimals++;
        if (last > 0 && last < step) { // tshark shrinks the interval to the capture's duration, in milliseconds
            step = (last + 999_999) / 1_000_000 * 1_000_000;
            decimals = 3;
            interval = step / 1e9;
        }
        int n = (int) Math.min(1_000_000, last / step + 1);
        if (n > 1 && (long) (n - 1) * step == last) n--;
        long[] frames = new long[n], bytes = new long[n];
        for (Packet p : packets) {
            int i = (int) Math.min(n - 1, Math.max(0, p.relNanos / step));
            frames[i]++;
            bytes[i] += p.frame.origLen();
        }
        // the interval column: both ends right-aligned to the width of the duration, centred in at least
        // "Interval"'s width; the last "to" is the duration ("Dur" for whole seconds), as tshark prints it
        String durText = decimals == 0 ? String.valueOf(last / 1_000_000_000L) : Format.fixed(last / 1e9, decimals);
        int w = durText.length();
        int core = 2 * w + 4, labelWidth = Math.max(8, core), padLeft = (labelWidth - core) / 2, padRight = labelWidth - core - padLeft;
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String from = decimals == 0 ? String.valueOf(i * step / 1_000_000_000L) : Format.fixed(i * step / 1e9, decimals);
            String head = " ".repeat(padLeft) + String.format("%" + w + "s", from) + " <> ";
            if (i == n - 1 && (long) (i + 1) * step > last) {
                String to = decimals == 0 ? "Dur" : durText;
                labels.add(head + String.format("%-" + (w + padRight + 1) + "s", to));
            } else {
                String to = decimals == 0 ? String.valueOf((i + 1) * step / 1_000_000_000L) : Format.fixed((i + 1) * step / 1e9, decimals);
                labels.add(head + String.format("%" + w + "s", to) + " ".repeat(padRight + 1));
            }
        }
        long maxFrames = 0, maxBytes = 0;
        for (int i = 0; i < n; i++) {
            maxFrames = Math.max(maxFrames, frames[i]);
            maxBytes = Math.max(maxBytes, bytes[i]);
        }
        int fw = Math.max(6, String.valueOf(maxFrames).length()), bw = Math.max(5, String.valueOf(maxBytes).length());
        String row = "| %-" + labelWidth + "s | %" + fw + "s | %" + bw + "s |";
        int width = String.format(row, "", "", "").length();
        String rule = "=".repeat(width);
        StringBuilder out = new StringBuilder("\n").append(rule).append('\n');
        String box = "| %-" + (width - 4) + "s |%n";
        out.append(String.format(box, "IO Statistics")).append(String.format(box, ""));
        // tshark 4.0 pads the microseconds of a whole-second interval's duration with spaces ("2. 33698"); kept for equality
        String duration = decimals == 0 ? String.format("%d.%6d", (last + 500) / 1000 / 1_000_000L, (last + 500) / 1000 % 1_000_000L)
                : Format.fixed(last / 1e9, decimals);
        out.append(String.format(box, "Duration: " + duration + " secs"));
        String invl = decimals == 0 ? String.valueOf(Math.round(interval)) : Format.fixed(interval, decimals);
        out.append(String.format(box, "Interval: " + String.format("%" + w + "s", invl) + " secs"));
        out.append(String.format(box, "")).append(String.format(box, "Col 1: Frames and bytes"));
        out.append('|').append("-".repeat(width - 2)).append("|\n");
        out.append(String.format("| %-" + labelWidth + "s |%-" + (width - labelWidth - 5) + "s|%n", "", "1"));
        out.append(String.format(row, "Interval", "Frames", "Bytes")).append('\n');
        out.append('|').append("-".repeat(width - 2)).append("|\n");
        String dataRow = "| %s| %" + fw + "s | %" + bw + "s |";
        for (int i = 0; i < n; i++) out.append(String.format(dataRow, labels.get(i), frames[i], bytes[i])).append('\n');
        return out.append(rule).append('\n').toString();
    }
}
