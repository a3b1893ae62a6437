package io.jstack.link;

import io.jstack.wire.Checksum;
import io.jstack.wire.IpProtocol;
import java.nio.ByteBuffer;

/**
 * Does in software what {@link Link#sendTcp} asks of a link: completes the TCP checksum and, for a packet larger
 * than one segment, cuts it into wire-sized segments the way the kernel's TCP segmentation does (copies of the
 * IPv4 and TCP headers, identification +1 and sequence number + {@code segmentSize} per segment, FIN and PSH on
 * the last one only, CWR on the first only). For links that capture or carry what the wire would see (pcap,
 * impairment, in-memory pairs in tests), and for checking the offload path. The same cut undoes receive offload:
 * a super-packet a link returned with {@link Link#lastSegmentSize()} &gt; 0 (or a packet whose checksum it
 * trusts, {@link Link#lastChecksumTrusted()}) becomes the wire segments it stands for, each with a full, correct
 * checksum, whatever its checksum field held. Allocates nothing.
 */
public final class SoftwareOffload {
    /** Where finished packets go. */
    @FunctionalInterface
    public interface Sink {
        void accept(ByteBuffer packet);
    }

    private static final int TCP_FIN = 0x01, TCP_PSH = 0x08, TCP_CWR = 0x80;

    private SoftwareOffload() {}

    /**
     * Whether the packet between position and limit is a TCP/IPv4 packet whose headers {@link #finish} can read:
     * version 4, protocol TCP, and IPv4 and TCP header lengths that fit. Cheap; for packets a link returned.
     */
    public static boolean isTcp(ByteBuffer packet) {
        int start = packet.position();
        int total = packet.remaining();
        if (total < 40 || (packet.get(start) & 0xf0) != 0x40 || packet.get(start + 9) != IpProtocol.TCP.code()) {
            return false;
        }
        int ipHeader = (packet.get(start) & 0x0f) * 4;
        if (ipHeader < 20 || ipHeader + 20 > total) return false;
        int tcpHeader = ((packet.get(start + ipHeader + 12) & 0xff) >>> 4) * 4;
        return tcpHeader >= 20 && ipHeader + tcpHeader <= total;
    }

    /**
     * How many wire segments a TCP/IPv4 packet (between position and limit) stands for when cut into segments of
     * {@code segmentSize} payload bytes: 1 for {@code segmentSize <= 0} or a payload within one segment.
     */
    public static int segmentCount(ByteBuffer packet, int segmentSize) {
        int start = packet.position();
        int ipHeader = (packet.get(start) & 0x0f) * 4;
        int headers = ipHeader + ((packet.get(start + ipHeader + 12) & 0xff) >>> 4) * 4;
        int payload = packet.remaining() - headers;
        return segmentSize <= 0 || payload <= segmentSize ? 1 : (payload + segmentSize - 1) / segmentSize;
    }

    /**
     * Finishes the packet between {@code packet}'s position and limit into {@code scratch} (at least as large as
     * one finished segment) one segment at a time and hands each to {@code sink}. {@code packet} is not changed.
     */
    public static void finish(ByteBuffer packet, int segmentSize, ByteBuffer scratch, Sink sink) {
        int start = packet.position();
        int total = packet.remaining();
        int ipHeader = (packet.get(start) & 0x0f) * 4;
        int tcpHeader = ((packet.get(start + ipHeader + 12) & 0xff) >>> 4) * 4;
        int headers = ipHeader + tcpHeader;
        int payload = total - headers;
        int per = segmentSize > 0 ? segmentSize : Math.max(payload, 1);
        int ident = Short.toUnsignedInt(packet.getShort(start + 4));
        int seq = packet.getInt(start + ipHeader + 4);
        int flags = packet.get(start + ipHeader + 13) & 0xff;
        int src = packet.getInt(start + 12), dst = packet.getInt(start + 16);
        int done = 0, k = 0;
        do {
            int n = Math.min(per, payload - done);
            boolean last = done + n >= payload;
            scratch.clear();
            scratch.put(0, packet, start, headers);
            scratch.put(headers, packet, start + headers + done, n);
            int length = headers + n;
            scratch.putShort(2, (short) length);
            scratch.putShort(4, (short) (ident + k));
            scratch.putShort(10, (short) 0);
            scratch.putShort(10, (short) Checksum.compute(scratch, 0, ipHeader));
            int f = flags;
            if (!last) f &= ~(TCP_FIN | TCP_PSH);
            if (k > 0) f &= ~TCP_CWR;
            scratch.put(ipHeader + 13, (byte) f);
            scratch.putInt(ipHeader + 4, seq + done);
            scratch.putShort(ipHeader + 16, (short) 0);
            long sum = Checksum.pseudoHeader(src, dst, IpProtocol.TCP.code(), tcpHeader + n);
            scratch.putShort(ipHeader + 16, (short) Checksum.finish(Checksum.partial(scratch, ipHeader, tcpHeader + n, sum)));
            scratch.limit(length).position(0);
            sink.accept(scratch);
            done += n;
            k++;
        } while (done < payload);
    }
}
