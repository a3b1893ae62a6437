package io.jstack.link;

import java.io.Closeable;
import java.nio.ByteBuffer;

/**
 * A link that carries raw IPv4 packets, one whole packet per call (a TUN device with IFF_NO_PI, an in-memory
 * pair, a capturing or impairing wrapper). The host's event loop is the only caller of {@link #receive},
 * {@link #send} and {@link #await}; {@link #wakeup} may be called from any thread.
 *
 * <p><b>Receive offload.</b> A link may hand the host what a NIC with large receive offload (or the kernel behind
 * a TUN device with {@code TUNSETOFFLOAD}) hands its driver: one TCP/IPv4 packet that stands for several wire
 * segments (a "super-packet", IPv4 total length up to 65535), and a TCP checksum the sender vouches for and did
 * not fill in. It says so through {@link #lastSegmentSize()} and {@link #lastChecksumTrusted()}, which describe
 * the packet the latest {@link #receive} returned and which the caller reads right after it (no allocation, no
 * change to {@code receive}). Links without receive offload keep the defaults (0, false): every packet is one
 * wire packet with its checksums as received. Wrappers that must show wire packets (a capture, an impairment)
 * cut super-packets into segments with {@link SoftwareOffload} and then report 0/false themselves, or pass the
 * inner link's answers on.
 */
public interface Link extends Closeable {
    /** The link MTU in bytes: the largest IP packet it carries. */
    int mtu();

    /**
     * Copies the next waiting packet into {@code dst} from position 0, sets the limit to its length and
     * returns the length; returns -1 at once when no packet is waiting. Never blocks. With receive offload the
     * packet may be larger than the MTU (up to 65535 bytes), so {@code dst} should hold that much.
     */
    int receive(ByteBuffer dst);

    /**
     * The segment size (TCP payload bytes per wire segment, the sender's MSS on the wire) when the packet the
     * latest {@link #receive} returned is a TCP/IPv4 super-packet made of several wire segments; 0 when it is one
     * wire packet. A super-packet's payload is the wire segments' payloads in order; its header is the first
     * segment's except for the IPv4 total length (and checksum), and its flags are those of all segments (PSH and
     * FIN from the last). The receiver may treat it as one large segment. Read right after {@link #receive}.
     */
    default int lastSegmentSize() {
        return 0;
    }

    /**
     * Whether the TCP checksum of the packet the latest {@link #receive} returned must not be verified: the sender
     * is on this machine and hands over data it vouches for (Linux's {@code CHECKSUM_PARTIAL}, or a checksum the
     * kernel already verified), so the checksum field may hold only the pseudo-header sum. Reported only for
     * TCP/IPv4 packets; every other packet, and every packet of a link that says false, must be verified. Read
     * right after {@link #receive}.
     */
    default boolean lastChecksumTrusted() {
        return false;
    }

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
