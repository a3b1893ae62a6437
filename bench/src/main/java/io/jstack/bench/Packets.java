package io.jstack.bench;

import io.jstack.wire.Checksum;
import io.jstack.wire.IpProtocol;
import io.jstack.wire.Ipv4Address;
import io.jstack.wire.Ipv4Packet;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/** Packet fixtures for the benchmarks: fixed seeds, so every run measures the same bytes. */
final class Packets {
    static final int HOST = Ipv4Address.parse("10.0.0.2").value();
    static final int PEER = Ipv4Address.parse("10.0.0.1").value();
    private static final int ICMP_ECHO_REQUEST = 8;

    private Packets() {}

    /** {@code len} pseudo-random bytes from a fixed seed. */
    static byte[] payload(int len, long seed) {
        byte[] b = new byte[len];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /**
     * An ICMP echo request (RFC 792) from {@link #PEER} to {@link #HOST} whose IPv4 total length is
     * {@code totalLength} bytes (at least 28).
     */
    static byte[] echoRequest(int totalLength, int id, int seq) {
        if (totalLength < 28) throw new IllegalArgumentException("an echo request has at least 28 bytes");
        ByteBuffer b = ByteBuffer.allocate(totalLength);
        b.put(20, (byte) ICMP_ECHO_REQUEST);
        b.putShort(24, (short) id);
        b.putShort(26, (short) seq);
        b.put(28, payload(totalLength - 28, seq));
        b.putShort(22, (short) Checksum.compute(b, 20, totalLength - 20));
        Ipv4Packet.emit(b, 0, totalLength, 1, 0, 64, IpProtocol.ICMP.code(), PEER, HOST);
        return b.array();
    }

    /** A direct buffer holding {@code bytes} from index 0, limit at its length. */
    static ByteBuffer direct(byte[] bytes) {
        ByteBuffer b = ByteBuffer.allocateDirect(bytes.length);
        b.put(0, bytes);
        return b;
    }
}
