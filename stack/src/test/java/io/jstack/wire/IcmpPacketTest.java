package io.jstack.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The ICMP view and record (RFC 792). Checksums worked out by hand from RFC 1071. */
class IcmpPacketTest {
    static final byte[] ECHO_REQUEST = Ipv4PacketTest.hex("""
            08          # type 8, echo request
            00          # code 0
            2104        # checksum: ~(0800 + 1234 + 0001 + 6162 + 6364) = ~defb
            1234        # identifier
            0001        # sequence number 1
            61626364    # data "abcd"
            """);
    static final byte[] ECHO_REPLY = Ipv4PacketTest.hex("""
            00          # type 0, echo reply
            00          # code 0
            2904        # checksum: ~(0000 + 1234 + 0001 + 6162 + 6364) = ~d6fb
            1234 0001   # identifier and sequence unchanged
            61626364    # data unchanged
            """);

    static IcmpPacket view(byte[] b) {
        return new IcmpPacket().wrap(ByteBuffer.wrap(b), 0, b.length);
    }

    @Test
    void rfc792EchoRequestParsesToItsHeader() {
        IcmpPacket p = view(ECHO_REQUEST);
        assertEquals(Malformed.NONE, p.check());
        assertEquals(IcmpHeader.echo(8, 0x1234, 1), IcmpHeader.parse(p));
        assertEquals(0x1234, p.identifier());
        assertEquals(1, p.sequence());
        assertEquals(8, p.dataOffset());
        assertEquals(4, p.dataLength());
    }

    @Test
    void rfc792EchoReplyEmitGivesTheFixtureBytes() {
        ByteBuffer b = ByteBuffer.allocate(12).put(8, new byte[] {0x61, 0x62, 0x63, 0x64});
        IcmpHeader.echo(0, 0x1234, 1).emit(b, 0, 4);
        assertArrayEquals(ECHO_REPLY, b.array());
        assertEquals(Malformed.NONE, view(ECHO_REPLY).check());
    }

    @Test
    void rfc792EveryCorruptedBitFailsTheChecksum() {
        for (int bit = 0; bit < ECHO_REQUEST.length * 8; bit++) {
            byte[] c = ECHO_REQUEST.clone();
            c[bit / 8] ^= (byte) (1 << (bit % 8));
            assertEquals(Malformed.BAD_CHECKSUM, view(c).check(), "bit " + bit);
        }
    }

    @Test
    void everyTruncationBelowTheHeaderIsRejected() {
        for (int n = 0; n < 8; n++) {
            byte[] c = Arrays.copyOf(ECHO_REQUEST, n);
            assertEquals(Malformed.TRUNCATED, new IcmpPacket().wrap(ByteBuffer.wrap(c), 0, n).check(), "length " + n);
        }
        // A length that claims more than the buffer holds is truncated, not an exception.
        assertEquals(Malformed.TRUNCATED, new IcmpPacket().wrap(ByteBuffer.wrap(ECHO_REQUEST), 0, 13).check());
    }

    @Test
    void rfc1122Section322ErrorAndQueryTypesAreTold() {
        for (int t : new int[] {3, 4, 5, 11, 12}) assertTrue(IcmpPacket.isError(t), "type " + t);
        for (int t : new int[] {0, 8, 13, 14, 15, 16, 17, 18}) assertFalse(IcmpPacket.isError(t), "type " + t);
        assertTrue(IcmpPacket.isError(42), "unknown types are treated as errors");
    }
}
