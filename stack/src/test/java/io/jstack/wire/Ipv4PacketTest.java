package io.jstack.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The IPv4 header view and record (RFC 791 §3.1): parse, emit, and every malformed field. */
class Ipv4PacketTest {
    /** A UDP datagram's header, 192.168.0.1 -> 192.168.0.199, as captured; checksum b861 as on the wire. */
    static final String HEADER = """
            45          # version 4, IHL 5
            00          # type of service
            0073        # total length 115
            0000        # identification 0
            4000        # flags DF, fragment offset 0
            40          # TTL 64
            11          # protocol 17 (UDP)
            b861        # header checksum
            c0a80001    # source 192.168.0.1
            c0a800c7    # destination 192.168.0.199
            """;

    static final Ipv4Header RECORD = new Ipv4Header(0, 115, 0, true, false, 0, 64, 17,
            Ipv4Address.parse("192.168.0.1"), Ipv4Address.parse("192.168.0.199"));

    static byte[] hex(String annotated) {
        StringBuilder sb = new StringBuilder();
        for (String line : annotated.split("\n")) {
            int c = line.indexOf('#');
            sb.append((c >= 0 ? line.substring(0, c) : line).replaceAll("\\s+", ""));
        }
        return HexFormat.of().parseHex(sb.toString());
    }

    static byte[] datagram() {
        return Arrays.copyOf(hex(HEADER), 115); // 95 payload bytes of zero
    }

    static Malformed check(byte[] d) {
        return new Ipv4Packet().wrap(ByteBuffer.wrap(d), 0).check();
    }

    static byte[] withChecksum(byte[] d) {
        ByteBuffer b = ByteBuffer.wrap(d);
        int hl = (d[0] & 0x0f) * 4;
        b.putShort(10, (short) 0);
        b.putShort(10, (short) Checksum.compute(b, 0, Math.min(hl, d.length)));
        return d;
    }

    @Test
    void rfc791ParseOfACapturedHeaderGivesItsRecord() {
        Ipv4Packet p = new Ipv4Packet().wrap(ByteBuffer.wrap(datagram()), 0);
        assertEquals(Malformed.NONE, p.check());
        assertEquals(RECORD, Ipv4Header.parse(p));
        assertEquals(20, p.payloadOffset());
        assertEquals(95, p.payloadLength());
        assertEquals(0xb861, p.checksum());
    }

    @Test
    void rfc791EmitOfTheRecordGivesTheCapturedBytes() {
        ByteBuffer b = ByteBuffer.allocate(20);
        RECORD.emit(b, 0);
        assertArrayEquals(hex(HEADER), b.array());
        assertEquals(20, RECORD.length());
    }

    @Test
    void viewAtANonZeroOffsetReadsTheSameFields() {
        byte[] d = datagram();
        byte[] shifted = new byte[7 + d.length];
        System.arraycopy(d, 0, shifted, 7, d.length);
        Ipv4Packet p = new Ipv4Packet().wrap(ByteBuffer.wrap(shifted), 7);
        assertEquals(Malformed.NONE, p.check());
        assertEquals(RECORD, Ipv4Header.parse(p));
    }

    @Test
    void everyTruncationOfAValidDatagramIsRejectedWithoutAnException() {
        byte[] d = datagram();
        for (int n = 0; n < d.length; n++) {
            assertEquals(Malformed.TRUNCATED, check(Arrays.copyOf(d, n)), "length " + n);
        }
        assertEquals(Malformed.NONE, check(d));
    }

    @Test
    void linkPaddingAfterTheTotalLengthIsAllowed() {
        assertEquals(Malformed.NONE, check(Arrays.copyOf(datagram(), 130)));
    }

    @Test
    void rfc1122Section3211VersionOtherThan4IsRejected() {
        for (int v = 0; v < 16; v++) {
            if (v == 4) continue;
            byte[] d = datagram();
            d[0] = (byte) (v << 4 | 5);
            assertEquals(Malformed.BAD_VERSION, check(withChecksum(d)), "version " + v);
        }
    }

    @Test
    void rfc791IhlBelowFiveIsRejected() {
        for (int ihl = 0; ihl < 5; ihl++) {
            byte[] d = datagram();
            d[0] = (byte) (0x40 | ihl);
            assertEquals(Malformed.BAD_HEADER_LENGTH, check(d), "IHL " + ihl);
        }
    }

    @Test
    void rfc791TotalLengthBelowTheHeaderOrBeyondTheBufferIsRejected() {
        byte[] d = datagram();
        ByteBuffer.wrap(d).putShort(2, (short) 19);
        assertEquals(Malformed.BAD_LENGTH, check(withChecksum(d)));
        ByteBuffer.wrap(d).putShort(2, (short) 116);
        assertEquals(Malformed.TRUNCATED, check(withChecksum(d)));
        ByteBuffer.wrap(d).putShort(2, (short) 0xffff);
        assertEquals(Malformed.TRUNCATED, check(withChecksum(d)));
    }

    @Test
    void rfc1122Section3212EveryWrongHeaderChecksumIsRejected() {
        byte[] d = datagram();
        for (int bit = 0; bit < 16; bit++) {
            byte[] c = d.clone();
            c[10 + bit / 8] ^= (byte) (1 << (bit % 8));
            assertEquals(Malformed.BAD_CHECKSUM, check(c), "bit " + bit);
        }
        for (int i = 0; i < 20; i++) {
            if (i == 0 || i == 2 || i == 3) continue; // those fail earlier checks
            byte[] c = d.clone();
            c[i] ^= 0x01;
            assertEquals(Malformed.BAD_CHECKSUM, check(c), "byte " + i);
        }
    }

    @Test
    void rfc791ReservedFlagMustBeZero() {
        byte[] d = datagram();
        d[6] |= (byte) 0x80;
        assertEquals(Malformed.BAD_FRAGMENT, check(withChecksum(d)));
    }

    @Test
    void rfc791NonLastFragmentDataMustBeAMultipleOfEight() {
        byte[] d = datagram(); // 95 data bytes
        ByteBuffer.wrap(d).putShort(6, (short) 0x2000);
        assertEquals(Malformed.BAD_FRAGMENT, check(withChecksum(d)));
        ByteBuffer.wrap(d).putShort(2, (short) (20 + 88));
        assertEquals(Malformed.NONE, check(withChecksum(Arrays.copyOf(d, 108))));
    }

    @Test
    void emptyFragmentIsRejected() {
        byte[] d = Arrays.copyOf(datagram(), 20);
        ByteBuffer.wrap(d).putShort(2, (short) 20).putShort(6, (short) 0x0010);
        assertEquals(Malformed.BAD_FRAGMENT, check(withChecksum(d)));
    }

    @Test
    void rfc791FragmentEndingPast65535IsRejected() {
        byte[] d = Arrays.copyOf(datagram(), 28);
        ByteBuffer b = ByteBuffer.wrap(d).putShort(2, (short) 28);
        b.putShort(6, (short) (65512 / 8)); // 20 + 65512 + 8 = 65540
        assertEquals(Malformed.BAD_FRAGMENT, check(withChecksum(d)));
        b.putShort(6, (short) (65504 / 8)); // 20 + 65504 + 8 = 65532
        assertEquals(Malformed.NONE, check(withChecksum(d)));
        b.putShort(6, (short) 0x1fff);
        assertEquals(Malformed.BAD_FRAGMENT, check(withChecksum(d)));
    }

    static byte[] withOptions(byte... options) {
        byte[] d = datagram();
        int hl = 20 + options.length;
        byte[] o = new byte[d.length + options.length];
        System.arraycopy(d, 0, o, 0, 20);
        System.arraycopy(options, 0, o, 20, options.length);
        System.arraycopy(d, 20, o, hl, d.length - 20);
        o[0] = (byte) (0x40 | hl / 4);
        ByteBuffer.wrap(o).putShort(2, (short) o.length);
        return withChecksum(o);
    }

    @Test
    void rfc1122Section3218UnknownButWellFormedOptionsAreIgnored() {
        // NOP, NOP, Record Route (type 7, length 7, pointer 4, one empty slot), End of list.
        assertEquals(Malformed.NONE, check(withOptions((byte) 1, (byte) 1, (byte) 7, (byte) 7, (byte) 4, (byte) 0,
                (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0)));
        // An unknown option type with a sane length.
        assertEquals(Malformed.NONE, check(withOptions((byte) 0x9e, (byte) 4, (byte) 0, (byte) 0)));
        Ipv4Packet p = new Ipv4Packet().wrap(ByteBuffer.wrap(withOptions((byte) 1, (byte) 1, (byte) 1, (byte) 0)), 0);
        assertEquals(Malformed.NONE, p.check());
        assertEquals(24, p.payloadOffset());
        assertEquals(95, p.payloadLength());
    }

    @Test
    void rfc791OptionLengthsThatLieAreRejected() {
        assertEquals(Malformed.BAD_OPTION, check(withOptions((byte) 7, (byte) 0, (byte) 0, (byte) 0)));
        assertEquals(Malformed.BAD_OPTION, check(withOptions((byte) 7, (byte) 1, (byte) 0, (byte) 0)));
        assertEquals(Malformed.BAD_OPTION, check(withOptions((byte) 7, (byte) 5, (byte) 0, (byte) 0)));
        assertEquals(Malformed.BAD_OPTION, check(withOptions((byte) 1, (byte) 1, (byte) 1, (byte) 7)));
    }

    @Test
    void ttlZeroIsWellFormed() {
        byte[] d = datagram();
        d[8] = 0;
        assertEquals(Malformed.NONE, check(withChecksum(d)));
    }

    @Test
    void recordRejectsOutOfRangeFields() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new Ipv4Header(0, 19, 0,
                false, false, 0, 64, 1, Ipv4Address.ANY, Ipv4Address.ANY));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new Ipv4Header(0, 20, 0,
                false, false, 3, 64, 1, Ipv4Address.ANY, Ipv4Address.ANY));
        assertNotEquals(RECORD, new Ipv4Header(0, 115, 0, false, false, 0, 64, 17, RECORD.source(), RECORD.destination()));
    }
}
