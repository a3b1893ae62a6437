package io.jstack.ip;

import io.jstack.time.Clock;
import io.jstack.wire.Ipv4Packet;
import java.nio.ByteBuffer;

/**
 * A transport protocol (ICMP, UDP, TCP) registered with the IPv4 layer under its protocol number. All
 * methods run on the event loop; none may block, sleep or read a clock.
 */
public interface TransportHandler {
    /**
     * A datagram addressed to this host, already validated and reassembled. {@code ip} is valid only during
     * this call; the transport payload is at {@code ip.payloadOffset()} for {@code ip.payloadLength()} bytes.
     */
    void receive(Ipv4Packet ip, long now);

    /**
     * An ICMP error (RFC 1122 §3.2.2.1: MUST be passed to the transport) about a datagram this host sent.
     * {@code buf[off, off+len)} holds the quoted IP header and at least 8 bytes of its payload; it may be
     * truncated, so read it with bounds checks.
     */
    default void icmpError(int type, int code, ByteBuffer buf, int off, int len, long now) {}

    /** The earliest deadline at which {@link #onTimer} wants to run, or {@link Clock#NEVER}. */
    default long pollAt() {
        return Clock.NEVER;
    }

    /** Runs expired timers. Called on every poll; must be cheap when nothing is due. */
    default void onTimer(long now) {}

    /**
     * Sends what user calls of this poll's tasks queued without sending ({@code TcpConnection.sendLater}), so that
     * the threads waiting on those calls run while the packets are written. Called after the tasks of each poll.
     */
    default void flush(long now) {}
}
