package io.jstack.udp;

import static io.jstack.udp.UdpFixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jstack.wire.Malformed;
import io.jstack.wire.UdpHeader;
import io.jstack.wire.UdpPacket;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class UdpPacketTest {
    /**
     * 10.0.0.1:40000 -> 10.0.0.2:7, data "hello" (odd length): source port 9c40, destination 0007, length
     * 000d, checksum 0bb8 (built by scapy 2.5, independent of jstack), then the data.
     */
    static final byte[] HELLO = HexFormat.of().parseHex("9c400007000d0bb8" + "68656c6c6f");

    @Test
    void parsesTheFixtureIntoItsHeaderRecord() {
        var p = new UdpPacket().wrap(ByteBuffer.wrap(HELLO), 0, HELLO.length);
        assertEquals(Malformed.NONE, p.check());
        assertEquals(new UdpHeader(40000, 7, 13, 0x0bb8), UdpHeader.parse(p));
        assertEquals(8, p.payloadOffset());
        assertEquals(5, p.payloadLength());
        assertTrue(p.checksumValid(PEER, HOST));
        assertFalse(p.checksumValid(PEER, HOST + 1), "the pseudo-header covers the addresses");
    }

    @Test
    void headerRecordEmitsTheFixtureHeader() {
        ByteBuffer b = ByteBuffer.allocate(8);
        new UdpHeader(40000, 7, 13, 0x0bb8).emit(b, 0);
        assertArrayEquals(java.util.Arrays.copyOf(HELLO, 8), b.array());
    }

    @Test
    void emitReproducesTheFixtureIncludingTheChecksumOverAnOddLength() {
        ByteBuffer b = ByteBuffer.allocate(HELLO.length);
        b.put(8, "hello".getBytes());
        UdpPacket.emit(b, 0, 40000, 7, 5, PEER, HOST);
        assertArrayEquals(HELLO, b.array());
    }

    @Test
    void emitAgreesWithTheReferenceChecksumAtEveryLengthUpTo64() {
        for (int n = 0; n <= 64; n++) {
            byte[] data = new byte[n];
            for (int i = 0; i < n; i++) data[i] = (byte) (i * 37 + n);
            ByteBuffer b = ByteBuffer.allocate(8 + n);
            b.put(8, data);
            UdpPacket.emit(b, 0, 1234, 5678, n, HOST, PEER);
            assertArrayEquals(udpOnly(HOST, 1234, PEER, 5678, data, true), b.array(), "length " + n);
        }
    }

    /** RFC 768: "If the computed checksum is zero, it is transmitted as all ones." */
    @Test
    void rfc768ComputedZeroChecksumIsSentAsAllOnes() {
        // Choose the last data word so that the sum becomes 0xffff, whose complement is 0.
        byte[] data = new byte[4];
        int c = referenceChecksum(udpOnly(HOST, 1, PEER, 2, data, false), 0, 12, pseudo(HOST, PEER, 12));
        data[2] = (byte) (c >>> 8);
        data[3] = (byte) c;
        assertEquals(0, referenceChecksum(udpOnly(HOST, 1, PEER, 2, data, false), 0, 12, pseudo(HOST, PEER, 12)));
        ByteBuffer b = ByteBuffer.allocate(12);
        b.put(8, data);
        UdpPacket.emit(b, 0, 1, 2, 4, HOST, PEER);
        var p = new UdpPacket().wrap(b, 0, 12);
        assertEquals(0xffff, p.checksum());
        assertTrue(p.checksumValid(HOST, PEER), "all ones verifies as zero in one's complement");
    }

    /** RFC 768: "An all zero transmitted checksum value means that the transmitter generated no checksum". */
    @Test
    void rfc768ZeroChecksumMeansNoneAndIsAccepted() {
        byte[] u = udpOnly(PEER, 1, HOST, 2, "anything".getBytes(), false);
        var p = new UdpPacket().wrap(ByteBuffer.wrap(u), 0, u.length);
        assertEquals(Malformed.NONE, p.check());
        assertEquals(0, p.checksum());
        assertTrue(p.checksumValid(PEER, HOST));
    }

    /** RFC 1122 §4.1.3.4: a wrong checksum must be detected (the datagram is then discarded). */
    @Test
    void rfc1122_4_1_3_4WrongChecksumIsDetected() {
        for (int i = 0; i < HELLO.length; i++) {
            byte[] u = HELLO.clone();
            u[i] ^= 0x01;
            var p = new UdpPacket().wrap(ByteBuffer.wrap(u), 0, u.length);
            if (p.check() != Malformed.NONE) continue; // a flipped length bit
            assertFalse(p.checksumValid(PEER, HOST), "flipped bit in byte " + i);
        }
    }

    @Test
    void everyTruncationIsRejectedWithoutAnException() {
        for (int n = 0; n < HELLO.length; n++) {
            ByteBuffer b = ByteBuffer.wrap(HELLO, 0, n).slice();
            var p = new UdpPacket().wrap(b, 0, n);
            assertEquals(Malformed.TRUNCATED, p.check(), "length " + n);
        }
        // The IP layer may say the payload is shorter than the buffer; the view believes the IP layer.
        var p = new UdpPacket().wrap(ByteBuffer.wrap(HELLO), 0, HELLO.length - 1);
        assertEquals(Malformed.TRUNCATED, p.check());
    }

    @Test
    void rfc768LengthBelowTheHeaderIsMalformed() {
        for (int len = 0; len < 8; len++) {
            byte[] u = HELLO.clone();
            u[4] = 0;
            u[5] = (byte) len;
            assertEquals(Malformed.BAD_LENGTH, new UdpPacket().wrap(ByteBuffer.wrap(u), 0, u.length).check());
        }
    }

    /** RFC 768: the length field delimits the datagram; IP payload beyond it is not UDP data. */
    @Test
    void rfc768BytesBeyondTheLengthFieldAreNotData() {
        byte[] padded = concat(HELLO, new byte[] {1, 2, 3});
        var p = new UdpPacket().wrap(ByteBuffer.wrap(padded), 0, padded.length);
        assertEquals(Malformed.NONE, p.check());
        assertEquals(5, p.payloadLength());
        assertTrue(p.checksumValid(PEER, HOST));
    }
}
