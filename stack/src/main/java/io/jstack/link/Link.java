package io.jstack.link;

import java.io.Closeable;
import java.nio.ByteBuffer;

/**
 * A link that carries raw IPv4 packets, one whole packet per call (a TUN device with IFF_NO_PI, an in-memory
 * pair, a capturing or impairing wrapper). The host's event loop is the only caller of {@link #receive},
 * {@link #send} and {@link #await}; {@link #wakeup} may be called from any thread.
 */
public interface Link extends Closeable {
    /** The link MTU in bytes: the largest IP packet it carries. */
    int mtu();

    /**
     * Copies the next waiting packet into {@code dst} from position 0, sets the limit to its length and
     * returns the length; returns -1 at once when no packet is waiting. Never blocks.
     */
    int receive(ByteBuffer dst);

    /**
     * Sends the packet between {@code packet}'s position and limit. The bytes are copied or written before this
     * returns, so the caller may reuse the buffer. Never blocks for long; a full link drops (and counts).
     */
    void send(ByteBuffer packet);

    /** What this link finishes for the host on outgoing TCP packets; {@link Offload#NONE} unless it says so. */
    default Offload offload() {
        return Offload.NONE;
    }

    /**
     * Sends a TCP/IPv4 packet for the link to finish, as {@link #offload()} allows: its TCP checksum field holds
     * the folded pseudo-header sum for the whole packet (not complemented), and when {@code segmentSize > 0}
     * the link cuts the payload into segments of {@code segmentSize} bytes, each with its own IPv4 length,
     * identification and checksum, sequence number and TCP checksum; FIN and PSH stay on the last segment only.
     * Links without the offload refuse it.
     */
    default void sendTcp(ByteBuffer packet, int segmentSize) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " offers no TCP offload");
    }

    /**
     * Waits until a packet may be waiting, {@link #wakeup()} has been called, or {@code timeoutNanos} has
     * passed. May return early. Called only by the driver loop, never by protocol code.
     */
    void await(long timeoutNanos) throws InterruptedException;

    /** Makes a current or the next {@link #await} return promptly. Any thread. */
    void wakeup();

    @Override
    void close();
}
