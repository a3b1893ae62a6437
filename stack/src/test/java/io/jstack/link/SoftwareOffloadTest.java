package io.jstack.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jstack.wire.Checksum;
import io.jstack.wire.IpProtocol;
import io.jstack.wire.Ipv4Packet;
import io.jstack.wire.TcpPacket;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TCP segmentation and checksum offload done in software, checked field by field against what TSO promises. */
class SoftwareOffloadTest {
    static final int SRC = 0x0a000002, DST = 0x0a000001;

    /** An IPv4+TCP packet with {@code payload} bytes and only the pseudo-header sum in the TCP checksum. */
    static ByteBuffer superPacket(int payload, int flags) {
        ByteBuffer b = ByteBuffer.allocate(40 + payload);
        TcpPacket.emitHeader(b, 20, 80, 40000, 1_000_000, 77, flags, 5000, 0);
        for (int i = 0; i < payload; i++) b.put(40 + i, (byte) (i * 31 + 7));
        TcpPacket.fillPseudoHeaderSum(b, 20, 20 + payload, SRC, DST);
        Ipv4Packet.emit(b, 0, 40 + payload, 0xfffe, Ipv4Packet.FLAG_DF, 64, IpProtocol.TCP.code(), SRC, DST);
        return b;
    }

    static List<byte[]> finish(ByteBuffer packet, int segmentSize) {
        List<byte[]> out = new ArrayList<>();
        SoftwareOffload.finish(packet, segmentSize, ByteBuffer.allocate(65536), p -> {
            byte[] a = new byte[p.remaining()];
            p.get(p.position(), a);
            out.add(a);
        });
        return out;
    }

    @Test
    void largePacketIsCutIntoSegmentsWithTheirOwnHeadersAndChecksums() {
        int flags = TcpPacket.ACK_FLAG | TcpPacket.PSH | TcpPacket.FIN;
        ByteBuffer packet = superPacket(3500, flags);
        byte[] before = packet.array().clone();
        List<byte[]> segs = finish(packet, 1460);
        assertArrayEquals(before, packet.array(), "the packet handed in is not changed");
        assertEquals(3, segs.size());
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int[] sizes = {1460, 1460, 580};
        for (int k = 0; k < 3; k++) {
            ByteBuffer s = ByteBuffer.wrap(segs.get(k));
            Ipv4Packet ip = new Ipv4Packet().wrap(s, 0);
            assertEquals(40 + sizes[k], s.limit());
            assertEquals(40 + sizes[k], Short.toUnsignedInt(s.getShort(2)), "IPv4 total length");
            assertEquals((0xfffe + k) & 0xffff, Short.toUnsignedInt(s.getShort(4)), "identification + k");
            assertEquals(0, Checksum.compute(s, 0, 20), "IPv4 header checksum");
            TcpPacket tcp = new TcpPacket().wrap(s, 20, 20 + sizes[k]);
            assertEquals(true, tcp.checksumOk(SRC, DST), "TCP checksum of segment " + k);
            assertEquals(1_000_000 + 1460 * k, tcp.seq());
            assertEquals(77, tcp.ack());
            int expectFlags = k < 2 ? TcpPacket.ACK_FLAG : flags;
            assertEquals(expectFlags, tcp.flags(), "FIN and PSH only on the last segment");
            data.write(segs.get(k), 40, sizes[k]);
            assertEquals(true, ip.check().ok());
        }
        byte[] want = new byte[3500];
        System.arraycopy(before, 40, want, 0, 3500);
        assertArrayEquals(want, data.toByteArray());
    }

    @Test
    void packetWithinOneSegmentOnlyGetsItsChecksumCompleted() {
        ByteBuffer packet = superPacket(100, TcpPacket.ACK_FLAG);
        List<byte[]> segs = finish(packet, 0);
        assertEquals(1, segs.size());
        ByteBuffer s = ByteBuffer.wrap(segs.get(0));
        assertEquals(true, new TcpPacket().wrap(s, 20, 120).checksumOk(SRC, DST));
        packet.putShort(36, (short) 0);
        s.putShort(36, (short) 0);
        assertArrayEquals(packet.array(), s.array(), "nothing else changes");
    }

    @Test
    void bareAckWithoutPayloadIsOneSegment() {
        List<byte[]> segs = finish(superPacket(0, TcpPacket.ACK_FLAG), 1460);
        assertEquals(1, segs.size());
        assertEquals(true, new TcpPacket().wrap(ByteBuffer.wrap(segs.get(0)), 20, 20).checksumOk(SRC, DST));
    }
}
