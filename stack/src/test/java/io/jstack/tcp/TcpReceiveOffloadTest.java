package io.jstack.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.host.Host;
import io.jstack.ip.IpCounter;
import io.jstack.ip.Ipv4Config;
import io.jstack.link.RxOffloadLink;
import io.jstack.time.ManualClock;
import io.jstack.wire.Ipv4Address;
import io.jstack.wire.Ipv4Packet;
import io.jstack.wire.TcpFlag;
import io.jstack.wire.TcpHeader;
import io.jstack.wire.TcpPacket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The receive side of receive offload: a packet whose TCP checksum the link vouches for ({@code
 * Link.lastChecksumTrusted}) is not verified, every other one is (RFC 9293 §3.1, MUST-2/MUST-3), and a super-packet
 * longer than the MSS we advertised is taken whole, as from a NIC with LRO.
 */
class TcpReceiveOffloadTest {
    static final int HOST = Ipv4Address.parse("10.0.0.2").value();
    static final int PEER = Ipv4Address.parse("10.0.0.1").value();
    static final int PEER_ISS = 5000;

    final ManualClock clock = new ManualClock(1_000_000_000L);
    final RxOffloadLink link = new RxOffloadLink(1500);
    final Host host = new Host(HOST, link, clock, Ipv4Config.defaults());
    final TcpLayer tcp = TcpLayer.install(host, TcpConfig.defaults(), new IsnGenerator(1, 2));
    TcpConnection conn;
    int iss;
    int window;

    /** A TCP/IPv4 packet from the peer with a correct checksum (which a test may then spoil). */
    static byte[] segment(int seq, int ack, int flags, byte[] data, int mssOption) {
        var h = new TcpHeader(40000, 80, seq, ack, flags == 0 ? EnumSet.noneOf(TcpFlag.class) : TcpFlag.of(flags),
                65535, 0, mssOption, -1);
        int tcpLen = h.length() + data.length;
        ByteBuffer b = ByteBuffer.allocate(20 + tcpLen);
        h.emit(b, 20);
        b.put(20 + h.length(), data);
        TcpPacket.fillChecksum(b, 20, tcpLen, PEER, HOST);
        Ipv4Packet.emit(b, 0, b.capacity(), 1, Ipv4Packet.FLAG_DF, 64, 6, PEER, HOST);
        return b.array();
    }

    static byte[] spoilChecksum(byte[] p) {
        p[36] ^= 0x5a;
        return p;
    }

    static byte[] data(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 13 + (i >>> 8));
        return b;
    }

    void poll() {
        for (int i = 0; i < 100 && host.poll(); i++) {
            // until idle
        }
    }

    List<TcpPacket> sent() {
        return link.takeSent().stream().map(p -> {
            ByteBuffer b = ByteBuffer.wrap(p);
            Ipv4Packet ip = new Ipv4Packet().wrap(b, 0);
            return new TcpPacket().wrap(b, ip.payloadOffset(), ip.payloadLength());
        }).toList();
    }

    TcpReceiveOffloadTest established() {
        var listener = tcp.listen(80, 8);
        link.deliver(segment(PEER_ISS, 0, TcpPacket.SYN, new byte[0], 1460), 0, false);
        poll();
        List<TcpPacket> synAck = sent();
        assertEquals(1, synAck.size());
        iss = synAck.get(0).seq();
        window = synAck.get(0).window();
        link.deliver(segment(PEER_ISS + 1, iss + 1, TcpPacket.ACK_FLAG, new byte[0], -1), 0, false);
        poll();
        conn = listener.accept();
        assertNotNull(conn, "handshake");
        sent();
        return this;
    }

    byte[] read() {
        byte[] b = new byte[1 << 20];
        int n = conn.receive(b, 0, b.length, clock.nanos());
        return n <= 0 ? new byte[0] : Arrays.copyOf(b, n);
    }

    long csumErrors() {
        return tcp.counters().get(TcpCounter.tcpInCsumErrors);
    }

    @Test
    void rfc9293Section31ATrustedSegmentWithAWrongChecksumFieldIsAccepted() {
        established();
        byte[] d = data(500);
        link.deliver(spoilChecksum(segment(PEER_ISS + 1, iss + 1, TcpPacket.ACK_FLAG, d, -1)), 0, true);
        poll();
        assertArrayEquals(d, read());
        assertEquals(0, csumErrors());
    }

    @Test
    void rfc9293Section31AnUntrustedSegmentWithAWrongChecksumIsDroppedAndCounted() {
        established();
        link.deliver(spoilChecksum(segment(PEER_ISS + 1, iss + 1, TcpPacket.ACK_FLAG, data(500), -1)), 0, false);
        poll();
        assertEquals(0, read().length);
        assertEquals(1, csumErrors());
        assertEquals(1, tcp.counters().get(TcpCounter.tcpInErrs));
        assertTrue(sent().isEmpty(), "no answer to a corrupt segment");
    }

    @Test
    void trustIsForThatPacketOnlyTheNextUntrustedOneIsVerifiedAgain() {
        established();
        byte[] d = data(100);
        link.deliver(spoilChecksum(segment(PEER_ISS + 1, iss + 1, TcpPacket.ACK_FLAG, d, -1)), 0, true);
        link.deliver(spoilChecksum(segment(PEER_ISS + 101, iss + 1, TcpPacket.ACK_FLAG, data(100), -1)), 0, false);
        poll();
        assertArrayEquals(d, read());
        assertEquals(1, csumErrors());
    }

    @Test
    void aTrustedFragmentDoesNotVouchForTheReassembledDatagram() {
        established();
        byte[] whole = spoilChecksum(segment(PEER_ISS + 1, iss + 1, TcpPacket.ACK_FLAG, data(1000), -1));
        int payload = whole.length - 20; // 1020 bytes of TCP: two fragments of 512 and 508
        for (int off = 0; off < payload; off += 512) {
            int n = Math.min(512, payload - off);
            ByteBuffer f = ByteBuffer.allocate(20 + n);
            f.put(20, whole, 20 + off, n);
            int mf = off + n < payload ? Ipv4Packet.FLAG_MF : 0;
            Ipv4Packet.emit(f, 0, 20 + n, 77, mf | (off / 8), 64, 6, PEER, HOST);
            link.deliver(f.array(), 0, true);
        }
        poll();
        assertEquals(1, host.ip().counters().get(IpCounter.ipReasmOKs));
        assertEquals(0, read().length);
        assertEquals(1, csumErrors());
    }

    @Test
    void aSuperPacketLongerThanTheMssIsTakenWholeAndAcknowledgedAtOnce() {
        established();
        int n = Math.min(40 * 1448, window);
        assertTrue(n > 4 * 1460, "the window admits a super-packet: " + window);
        byte[] sp = RxOffloadLink.superPacket(PEER, HOST, 40000, 80, PEER_ISS + 1, iss + 1,
                TcpPacket.ACK_FLAG | TcpPacket.PSH, 20, n, false);
        byte[] want = Arrays.copyOfRange(sp, 40, sp.length);
        link.deliver(sp, 1448, true);
        poll();
        assertEquals(0, csumErrors());
        List<TcpPacket> acks = sent();
        assertTrue(!acks.isEmpty(), "acknowledged without waiting for the delayed-ACK timer");
        assertEquals(PEER_ISS + 1 + n, acks.get(acks.size() - 1).ack());
        assertArrayEquals(want, read());
    }
}
