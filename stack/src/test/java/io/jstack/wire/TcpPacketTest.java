package io.jstack.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TcpPacketTest {
    static final int SRC = 0x0a000001, DST = 0x0a000002;

    /** A SYN from port 40000 to 80 with MSS 1460, SACK-permitted (unknown to us), NOP, window scale 7. */
    static final String SYN_HEX = ""
            + "9c40" + "0050"          // ports 40000 -> 80
            + "00000064"               // seq 100
            + "00000000"               // ack 0
            + "80" + "02"              // data offset 8 words, SYN
            + "faf0"                   // window 64240
            + "0000"                   // checksum (filled below)
            + "0000"                   // urgent pointer
            + "020405b4"               // MSS 1460
            + "0402"                   // SACK permitted: unknown, skipped
            + "01"                     // NOP
            + "030307"                 // window scale 7
            + "0000";                  // padding: END and a zero to 32 bytes

    static ByteBuffer fixture() {
        byte[] b = HexFormat.of().parseHex(SYN_HEX);
        ByteBuffer buf = ByteBuffer.wrap(b);
        TcpPacket.fillChecksum(buf, 0, 32, SRC, DST);
        return buf;
    }

    @Test
    void parseReadsEveryFieldAndSkipsUnknownOptionsRfc9293Section3_2() {
        ByteBuffer buf = fixture();
        TcpPacket p = new TcpPacket().wrap(buf, 0, 32);
        assertEquals(Malformed.NONE, p.check());
        assertTrue(p.checksumOk(SRC, DST));
        TcpHeader h = TcpHeader.parse(p);
        assertEquals(new TcpHeader(40000, 80, 100, 0, EnumSet.of(TcpFlag.SYN), 64240, 0, 1460, 7), h);
        assertEquals(1, p.segmentLength());
        assertEquals(0, p.payloadLength());
    }

    @Test
    void emitWritesTheHeaderTheRecordDescribes() {
        TcpHeader h = new TcpHeader(1234, 7, 0xfffffff0, 55, EnumSet.of(TcpFlag.SYN, TcpFlag.ACK), 1000, 0, 1460, 3);
        ByteBuffer buf = ByteBuffer.allocate(h.length());
        assertEquals(28, h.emit(buf, 0));
        TcpPacket.fillChecksum(buf, 0, 28, SRC, DST);
        TcpPacket p = new TcpPacket().wrap(buf, 0, 28);
        assertEquals(Malformed.NONE, p.check());
        assertTrue(p.checksumOk(SRC, DST));
        assertEquals(h, TcpHeader.parse(p));
    }

    @Test
    void checksumCoversThePseudoHeader() {
        ByteBuffer buf = fixture();
        TcpPacket p = new TcpPacket().wrap(buf, 0, 32);
        assertFalse(p.checksumOk(SRC, DST + 1));
        buf.put(5, (byte) (buf.get(5) ^ 1));
        assertFalse(p.checksumOk(SRC, DST));
    }

    @Test
    void everyTruncationIsReportedNotThrown() {
        ByteBuffer full = fixture();
        for (int len = 0; len < 32; len++) {
            ByteBuffer b = ByteBuffer.allocate(len).put(0, full, 0, len);
            TcpPacket p = new TcpPacket().wrap(b, 0, len);
            assertNotEquals(Malformed.NONE, p.check(), "length " + len);
        }
    }

    @Test
    void optionRunningPastTheHeaderIsMalformed() {
        ByteBuffer buf = fixture();
        buf.put(28, (byte) 9); // window scale option claims 9 bytes
        assertEquals(Malformed.BAD_OPTION, new TcpPacket().wrap(buf, 0, 32).check());
        ByteBuffer b2 = fixture();
        b2.put(21, (byte) 1); // MSS option length 1
        assertEquals(Malformed.BAD_OPTION, new TcpPacket().wrap(b2, 0, 32).check());
    }

    @Test
    void dataOffsetBeyondTheSegmentIsMalformed() {
        ByteBuffer buf = fixture();
        buf.put(12, (byte) 0xf0);
        assertEquals(Malformed.BAD_HEADER_LENGTH, new TcpPacket().wrap(buf, 0, 32).check());
        buf.put(12, (byte) 0x40);
        assertEquals(Malformed.BAD_HEADER_LENGTH, new TcpPacket().wrap(buf, 0, 32).check());
    }
}
