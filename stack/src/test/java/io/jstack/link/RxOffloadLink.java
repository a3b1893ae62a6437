package io.jstack.link;

import io.jstack.wire.Checksum;
import io.jstack.wire.IpProtocol;
import io.jstack.wire.Ipv4Packet;
import io.jstack.wire.TcpPacket;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A fake link with receive offload, as the kernel behind a TUN device with {@code TUNSETOFFLOAD} is: {@link
 * #receive} returns the packets a test queued, each with the segment size and checksum trust the test gave,
 * answered by {@link #lastSegmentSize()} and {@link #lastChecksumTrusted()}. What the host sends is kept. A
 * repeating mode returns one packet again and again without allocating, for allocation tests.
 */
public final class RxOffloadLink implements Link {
    private record Rx(byte[] bytes, int segmentSize, boolean trusted) {}

    private final int mtu;
    private final ArrayDeque<Rx> queue = new ArrayDeque<>();
    private final List<byte[]> sent = new ArrayList<>();
    private Rx repeat;
    private long repeatsLeft;
    private int lastSegmentSize;
    private boolean lastTrusted;

    public RxOffloadLink(int mtu) {
        this.mtu = mtu;
    }

    /** Queues a packet for {@link #receive} with the receive-offload answers for it. */
    public RxOffloadLink deliver(byte[] packet, int segmentSize, boolean trusted) {
        queue.add(new Rx(packet.clone(), segmentSize, trusted));
        return this;
    }

    /** After the queue is empty, returns {@code packet} {@code times} more times (one per call). */
    public RxOffloadLink repeat(byte[] packet, int segmentSize, boolean trusted, long times) {
        repeat = new Rx(packet.clone(), segmentSize, trusted);
        repeatsLeft = times;
        return this;
    }

    /** Returns the repeated packet {@code times} more times; allocates nothing. */
    public void rearm(long times) {
        repeatsLeft = times;
    }

    /** Packets the host sent, oldest first; clears the list. */
    public List<byte[]> takeSent() {
        List<byte[]> out = new ArrayList<>(sent);
        sent.clear();
        return out;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public int receive(ByteBuffer dst) {
        Rx rx = queue.poll();
        if (rx == null && repeatsLeft > 0) {
            repeatsLeft--;
            rx = repeat;
        }
        if (rx == null) return -1;
        dst.clear();
        dst.put(0, rx.bytes);
        dst.limit(rx.bytes.length);
        lastSegmentSize = rx.segmentSize;
        lastTrusted = rx.trusted;
        return rx.bytes.length;
    }

    @Override
    public int lastSegmentSize() {
        return lastSegmentSize;
    }

    @Override
    public boolean lastChecksumTrusted() {
        return lastTrusted;
    }

    @Override
    public void send(ByteBuffer packet) {
        byte[] b = new byte[packet.remaining()];
        packet.get(packet.position(), b);
        sent.add(b);
    }

    @Override
    public void await(long timeoutNanos) {}

    @Override
    public void wakeup() {}

    @Override
    public void close() {}

    /**
     * A TCP/IPv4 super-packet as the kernel hands it with receive offload: one IPv4 header (total length of the
     * whole, valid header checksum), a TCP header of {@code tcpHeaderLength} bytes (NOPs as options) and
     * {@code payload} bytes of a pattern; its TCP checksum field holds only the pseudo-header sum
     * (CHECKSUM_PARTIAL), or the full checksum with {@code fullChecksum}.
     */
    public static byte[] superPacket(int src, int dst, int srcPort, int dstPort, int seq, int ack, int flags,
            int tcpHeaderLength, int payload, boolean fullChecksum) {
        int tcpLen = tcpHeaderLength + payload;
        ByteBuffer b = ByteBuffer.allocate(20 + tcpLen);
        TcpPacket.emitHeader(b, 20, srcPort, dstPort, seq, ack, flags, 65535, tcpHeaderLength - 20);
        for (int i = 40; i < 20 + tcpHeaderLength; i++) b.put(i, (byte) TcpPacket.OPT_NOP);
        for (int i = 0; i < payload; i++) b.put(20 + tcpHeaderLength + i, (byte) (i * 31 + 7 + (i >>> 11)));
        if (fullChecksum) {
            TcpPacket.fillChecksum(b, 20, tcpLen, src, dst);
        } else {
            TcpPacket.fillPseudoHeaderSum(b, 20, tcpLen, src, dst);
        }
        Ipv4Packet.emit(b, 0, 20 + tcpLen, 0xfff0, Ipv4Packet.FLAG_DF, 64, IpProtocol.TCP.code(), src, dst);
        return b.array();
    }

    /** Whether the TCP checksum of a whole TCP/IPv4 packet is correct. */
    public static boolean tcpChecksumOk(byte[] p) {
        ByteBuffer b = ByteBuffer.wrap(p);
        Ipv4Packet ip = new Ipv4Packet().wrap(b, 0);
        long sum = Checksum.pseudoHeader(ip.source(), ip.destination(), 6, ip.payloadLength());
        return Checksum.finish(Checksum.partial(b, ip.payloadOffset(), ip.payloadLength(), sum)) == 0;
    }
}
