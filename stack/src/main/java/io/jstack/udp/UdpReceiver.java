package io.jstack.udp;

import java.nio.ByteBuffer;

/**
 * Whoever owns a bound UDP port: a socket that queues datagrams for its users, or a direct handler. Called on
 * the event loop only; must not block.
 */
public interface UdpReceiver {
    /**
     * A datagram for the bound port; its data is {@code buf[off, off + len)}, valid only during this call.
     * Returns false when there is no room for it (the layer counts the drop).
     */
    boolean deliver(int srcAddress, int srcPort, int dstAddress, ByteBuffer buf, int off, int len, long now);

    /**
     * An ICMP error (RFC 1122 §4.1.3.3: UDP MUST pass ICMP errors up) about a datagram sent from this port to
     * {@code remoteAddress:remotePort}.
     */
    default void icmpError(int type, int code, int remoteAddress, int remotePort, long now) {}
}
