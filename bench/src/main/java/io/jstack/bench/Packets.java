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

    /** TCP flag bits (RFC 9293 §3.1). */
    static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;
    private static final int TCP_SEQ = 4, TCP_ACK = 8, TCP_CHECKSUM = 16;

    /**
     * Writes an IPv4/TCP segment (RFC 9293 §3.1) from {@link #PEER}:{@code srcPort} to {@link #HOST}:{@code dstPort}
     * into {@code buf} from index 0 and sets its limit: 20-byte IP header, TCP header with an MSS option when
     * {@code mss > 0}, then {@code payloadLength} bytes of {@code payload}. Returns the total length.
     */
    static int tcpSegment(ByteBuffer buf, int srcPort, int dstPort, int seq, int ack, int flags, int window, int mss,
                          byte[] payload, int payloadLength) {
        int tcpHeader = mss > 0 ? 24 : 20;
        int tcpLength = tcpHeader + payloadLength;
        int at = 20;
        buf.clear();
        buf.putShort(at, (short) srcPort);
        buf.putShort(at + 2, (short) dstPort);
        buf.putInt(at + TCP_SEQ, seq);
        buf.putInt(at + TCP_ACK, ack);
        buf.put(at + 12, (byte) ((tcpHeader / 4) << 4));
        buf.put(at + 13, (byte) flags);
        buf.putShort(at + 14, (short) window);
        buf.putShort(at + TCP_CHECKSUM, (short) 0);
        buf.putShort(at + 18, (short) 0);
        if (mss > 0) buf.putInt(at + 20, 0x02040000 | (mss & 0xffff)); // RFC 9293 §3.2: kind 2, length 4
        if (payloadLength > 0) buf.put(at + tcpHeader, payload, 0, payloadLength);
        long sum = Checksum.pseudoHeader(PEER, HOST, IpProtocol.TCP.code(), tcpLength);
        buf.putShort(at + TCP_CHECKSUM, (short) Checksum.finish(Checksum.partial(buf, at, tcpLength, sum)));
        Ipv4Packet.emit(buf, 0, 20 + tcpLength, 0, Ipv4Packet.FLAG_DF, 64, IpProtocol.TCP.code(), PEER, HOST);
        buf.limit(20 + tcpLength);
        return 20 + tcpLength;
    }

    /**
     * Moves the sequence and acknowledgment numbers of the segment {@link #tcpSegment} wrote by {@code seqDelta}
     * and {@code ackDelta}, fixing the checksum incrementally (RFC 1624 eqn. 3), so a benchmark can replay one
     * segment as the next in the stream without rebuilding it.
     */
    static void advanceTcp(ByteBuffer buf, int seqDelta, int ackDelta) {
        int at = 20;
        int sum = ~buf.getShort(at + TCP_CHECKSUM) & 0xffff;
        int oldSeq = buf.getInt(at + TCP_SEQ), newSeq = oldSeq + seqDelta;
        int oldAck = buf.getInt(at + TCP_ACK), newAck = oldAck + ackDelta;
        sum = replace(sum, oldSeq >>> 16, newSeq >>> 16);
        sum = replace(sum, oldSeq & 0xffff, newSeq & 0xffff);
        sum = replace(sum, oldAck >>> 16, newAck >>> 16);
        sum = replace(sum, oldAck & 0xffff, newAck & 0xffff);
        buf.putInt(at + TCP_SEQ, newSeq);
        buf.putInt(at + TCP_ACK, newAck);
        buf.putShort(at + TCP_CHECKSUM, (short) ~sum);
    }

    /** RFC 1624 eqn. 3 on a folded sum: HC' = ~(~HC + ~m + m'), here on the uncomplemented sum. */
    private static int replace(int sum, int oldWord, int newWord) {
        int s = sum + (~oldWord & 0xffff) + (newWord & 0xffff);
        s = (s & 0xffff) + (s >>> 16);
        return (s & 0xffff) + (s >>> 16);
    }

    /** Sequence number of a TCP segment in a packet from index 0 (20-byte IP header). */
    static int tcpSeq(ByteBuffer packet) {
        return packet.getInt(20 + TCP_SEQ);
    }

    static int tcpAck(ByteBuffer packet) {
        return packet.getInt(20 + TCP_ACK);
    }

    static int tcpFlags(ByteBuffer packet) {
        return packet.get(20 + 13) & 0xff;
    }

    /** A direct buffer holding {@code bytes} from index 0, limit at its length. */
    static ByteBuffer direct(byte[] bytes) {
        ByteBuffer b = ByteBuffer.allocateDirect(bytes.length);
        b.put(0, bytes);
        return b;
    }
}
