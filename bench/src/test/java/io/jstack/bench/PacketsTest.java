package io.jstack.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jstack.wire.Checksum;
import io.jstack.wire.IpProtocol;
import io.jstack.wire.Ipv4Packet;
import io.jstack.wire.Malformed;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The benchmarks' packet fixtures are valid packets, or every figure built on them measures a drop path. */
class PacketsTest {
    private static int tcpChecksumOver(ByteBuffer p) {
        int tcpLength = p.limit() - 20;
        long sum = Checksum.pseudoHeader(Packets.PEER, Packets.HOST, IpProtocol.TCP.code(), tcpLength);
        return Checksum.finish(Checksum.partial(p, 20, tcpLength, sum));
    }

    @Test
    void tcpSegmentIsAValidIpv4DatagramWithAValidTcpChecksum() {
        ByteBuffer b = ByteBuffer.allocateDirect(1500);
        byte[] data = Packets.payload(1460, 9293);
        int n = Packets.tcpSegment(b, 40000, 80, 0x12345678, 0x9abcdef0, Packets.ACK | Packets.PSH, 65535, 0, data, 1460);
        assertEquals(1500, n);
        assertEquals(Malformed.NONE, new Ipv4Packet().wrap(b, 0).check());
        assertEquals(0, tcpChecksumOver(b), "RFC 9293 §3.1: the checksum covers pseudo-header, header and data");
        Packets.tcpSegment(b, 40000, 80, 1, 0, Packets.SYN, 65535, 1460, data, 0);
        assertEquals(0, tcpChecksumOver(b));
        assertEquals(0x02040000 | 1460, b.getInt(40));
    }

    @Test
    void advanceTcpKeepsTheChecksumValidAcrossWrapAroundAndCarries() {
        var rnd = new SplittableRandom(1624);
        ByteBuffer b = ByteBuffer.allocateDirect(1500);
        for (int i = 0; i < 2000; i++) {
            int len = rnd.nextInt(0, 1461);
            int seq = i % 2 == 0 ? -1 - rnd.nextInt(0, 3000) : rnd.nextInt();
            Packets.tcpSegment(b, 40000, 80, seq, rnd.nextInt(), Packets.ACK, 65535, 0, Packets.payload(len, i), len);
            for (int k = 0; k < 5; k++) {
                int ds = rnd.nextInt(0, 9000), da = rnd.nextInt(0, 9000);
                int s0 = Packets.tcpSeq(b), a0 = Packets.tcpAck(b);
                Packets.advanceTcp(b, ds, da);
                assertEquals(s0 + ds, Packets.tcpSeq(b));
                assertEquals(a0 + da, Packets.tcpAck(b));
                assertEquals(0, tcpChecksumOver(b), "seq " + s0 + " +" + ds + ", ack " + a0 + " +" + da);
            }
        }
    }

    @Test
    void ringLinkDeliversInOrderAndDropsWhenFull() {
        var pair = RingLink.pair(1500, 2);
        ByteBuffer out = ByteBuffer.allocate(1500);
        for (int i = 1; i <= 3; i++) {
            out.clear().limit(100 * i);
            out.put(0, (byte) i);
            pair.a().send(out);
        }
        assertEquals(1, pair.a().dropped());
        ByteBuffer in = ByteBuffer.allocate(1500);
        assertEquals(100, pair.b().receive(in));
        assertEquals(1, in.get(0));
        assertEquals(200, pair.b().receive(in));
        assertEquals(2, in.get(0));
        assertEquals(-1, pair.b().receive(in));
    }
}
