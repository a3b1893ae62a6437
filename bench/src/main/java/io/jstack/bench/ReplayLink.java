package io.jstack.bench;

import io.jstack.link.Link;
import java.nio.ByteBuffer;

/**
 * A link with the cost profile of a TUN device and no allocation: {@link #receive} copies the packet armed with
 * {@link #arm} into the host's buffer (as read() would), {@link #send} copies the outgoing packet into one
 * preallocated buffer (as write() would) and remembers its length. Lets a benchmark tell the stack's own
 * allocation apart from {@link io.jstack.link.MemoryLink}'s, which allocates an array per packet sent.
 */
final class ReplayLink implements Link {
    private final int mtu;
    private final ByteBuffer sent;
    private ByteBuffer next;
    private int sentLength = -1;
    private long sentPackets;

    ReplayLink(int mtu) {
        this.mtu = mtu;
        this.sent = ByteBuffer.allocateDirect(65536);
    }

    /** Makes {@code packet} (index 0 to its limit) the one packet the next {@link #receive} returns. */
    void arm(ByteBuffer packet) {
        next = packet;
    }

    /** Length of the last packet sent, or -1; resets to -1. */
    int takeSent() {
        int n = sentLength;
        sentLength = -1;
        return n;
    }

    /** The last packet sent, from index 0. */
    ByteBuffer sentBuffer() {
        return sent;
    }

    long sentPackets() {
        return sentPackets;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public int receive(ByteBuffer dst) {
        ByteBuffer p = next;
        if (p == null) return -1;
        next = null;
        int n = p.limit();
        dst.clear();
        dst.put(0, p, 0, n);
        dst.limit(n);
        return n;
    }

    @Override
    public void send(ByteBuffer packet) {
        int n = packet.remaining();
        sent.put(0, packet, packet.position(), n);
        sentLength = n;
        sentPackets++;
    }

    @Override
    public void await(long timeoutNanos) {}

    @Override
    public void wakeup() {}

    @Override
    public void close() {}
}
