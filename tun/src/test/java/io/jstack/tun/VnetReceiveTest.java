package io.jstack.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.wire.Checksum;
import io.jstack.wire.IpProtocol;
import io.jstack.wire.Ipv4Packet;
import io.jstack.wire.TcpPacket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The virtio_net_hdr of received packets read as the kernel writes it with TUNSETOFFLOAD(TUN_F_CSUM | TUN_F_TSO4). */
class VnetReceiveTest {
    static final int SRC = 0x0a000001, DST = 0x0a000002;

    /** A header: flags, gso_type, hdr_len, gso_size, csum_start, csum_offset (native order, as the kernel's). */
    static ByteBuffer header(int flags, int gsoType, int gsoSize, int csumStart, int csumOffset) {
        return ByteBuffer.allocate(10).order(ByteOrder.nativeOrder()).put(0, (byte) flags).put(1, (byte) gsoType)
                .putShort(2, (short) 52).putShort(4, (short) gsoSize).putShort(6, (short) csumStart)
                .putShort(8, (short) csumOffset);
    }

    /** TCP/IPv4 with a 32-byte TCP header, {@code payload} bytes and the pseudo-header sum as its checksum. */
    static ByteBuffer tcp(int payload) {
        ByteBuffer b = ByteBuffer.allocate(52 + payload);
        TcpPacket.emitHeader(b, 20, 40000, 80, 1, 1, TcpPacket.ACK_FLAG, 65535, 12);
        for (int i = 40; i < 52; i++) b.put(i, (byte) 1);
        for (int i = 0; i < payload; i++) b.put(52 + i, (byte) i);
        TcpPacket.fillPseudoHeaderSum(b, 20, 32 + payload, SRC, DST);
        Ipv4Packet.emit(b, 0, 52 + payload, 1, Ipv4Packet.FLAG_DF, 64, IpProtocol.TCP.code(), SRC, DST);
        return b;
    }

    /** UDP/IPv4 with {@code payload} bytes and the pseudo-header sum as its checksum (CHECKSUM_PARTIAL). */
    static ByteBuffer udp(int payload) {
        int len = 8 + payload;
        ByteBuffer b = ByteBuffer.allocate(20 + len);
        b.putShort(20, (short) 5353).putShort(22, (short) 53).putShort(24, (short) len);
        for (int i = 0; i < payload; i++) b.put(28 + i, (byte) (i * 7));
        long sum = Checksum.pseudoHeader(SRC, DST, IpProtocol.UDP.code(), len);
        b.putShort(26, (short) ~Checksum.finish(sum));
        Ipv4Packet.emit(b, 0, 20 + len, 1, 0, 64, IpProtocol.UDP.code(), SRC, DST);
        return b;
    }

    @Test
    void aTcpPacketWithAPartialChecksumIsTrustedAndLeftAsItIs() {
        ByteBuffer p = tcp(100);
        byte[] before = p.array().clone();
        var r = new VnetReceive();
        r.read(header(LibC.VNET_F_NEEDS_CSUM, LibC.VNET_GSO_NONE, 0, 20, 16), p, p.capacity());
        assertTrue(r.checksumTrusted);
        assertEquals(0, r.segmentSize);
        assertEquals(1, r.wirePackets);
        assertEquals(152, r.wireOctets);
        assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(p.array()));
    }

    @Test
    void aTcpPacketTheKernelVerifiedIsTrusted() {
        ByteBuffer p = tcp(10);
        var r = new VnetReceive();
        r.read(header(LibC.VNET_F_DATA_VALID, 0, 0, 0, 0), p, p.capacity());
        assertTrue(r.checksumTrusted);
    }

    @Test
    void aTcpPacketWithoutFlagsIsNotTrusted() {
        ByteBuffer p = tcp(10);
        var r = new VnetReceive();
        r.read(header(0, 0, 0, 0, 0), p, p.capacity());
        assertFalse(r.checksumTrusted);
        assertEquals(0, r.segmentSize);
    }

    @Test
    void aGsoTcpv4PacketIsASuperPacketCountedAsItsWireSegments() {
        ByteBuffer p = tcp(10 * 1448 + 5);
        var r = new VnetReceive();
        r.read(header(LibC.VNET_F_NEEDS_CSUM, LibC.VNET_GSO_TCPV4, 1448, 20, 16), p, p.capacity());
        assertTrue(r.checksumTrusted);
        assertEquals(1448, r.segmentSize);
        assertEquals(11, r.wirePackets);
        assertEquals(p.capacity() + 10L * 52, r.wireOctets, "each wire segment repeats the 52 bytes of headers");
    }

    @Test
    void aPartialChecksumOfAnotherProtocolIsCompletedAndNotTrusted() {
        ByteBuffer p = udp(37);
        var r = new VnetReceive();
        r.read(header(LibC.VNET_F_NEEDS_CSUM, LibC.VNET_GSO_NONE, 0, 20, 6), p, p.capacity());
        assertFalse(r.checksumTrusted);
        long sum = Checksum.pseudoHeader(SRC, DST, IpProtocol.UDP.code(), 45);
        assertEquals(0, Checksum.finish(Checksum.partial(p, 20, 45, sum)), "the UDP checksum verifies");
    }

    @Test
    void aPartialTcpChecksumOutsideTheTcpChecksumFieldIsCompletedNotTrusted() {
        ByteBuffer p = tcp(50);
        var r = new VnetReceive();
        r.read(header(LibC.VNET_F_NEEDS_CSUM, LibC.VNET_GSO_NONE, 0, 24, 16), p, p.capacity());
        assertFalse(r.checksumTrusted);
    }

    @Test
    void offsetsOutsideThePacketAreIgnored() {
        ByteBuffer p = udp(4);
        byte[] before = p.array().clone();
        new VnetReceive().read(header(LibC.VNET_F_NEEDS_CSUM, 0, 0, 500, 6), p, p.capacity());
        assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(p.array()));
    }
}
