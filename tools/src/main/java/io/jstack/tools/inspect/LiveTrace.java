package io.jstack.tools.inspect;

import java.util.function.Consumer;

/**
 * {@code serve --trace}: decodes each IPv4 packet the virtual host sends or receives, as it happens, and hands one
 * line per packet to a sink: tshark's summary line, or with {@code verbose} the field tree. Thread-safe, so the event
 * loop (or a capture tap) can call it directly; memory stays bounded (see {@link TcpTracker#MAX_STREAMS}).
 */
public final class LiveTrace {
    private final Dissector dissector = new Dissector();
    private final Consumer<String> sink;
    private final boolean verbose;
    private int number;

    public LiveTrace(Consumer<String> sink, boolean verbose) {
        this.sink = sink;
        this.verbose = verbose;
    }

    /** One raw IPv4 packet ({@code len} bytes at {@code off}) seen at {@code tsNanos}. Never throws for bad bytes. */
    public synchronized void onPacket(long tsNanos, byte[] packet, int off, int len) {
        int from = Math.max(0, Math.min(off, packet.length)), n = Math.max(0, Math.min(len, packet.length - from));
        byte[] copy = new byte[n];
        System.arraycopy(packet, from, copy, 0, n);
        Packet p = dissector.dissect(new Frame(101, tsNanos, 9, n, copy), ++number);
        sink.accept(verbose ? InspectCommand.tree(p) : InspectCommand.summary(p));
    }
}
