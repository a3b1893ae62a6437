package io.jstack.dns;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The bounded name reader against a corpus of well-formed and hostile names (RFC 1035 §3.1, §4.1.4). */
class DnsNameReaderTest {
    final DnsNameReader r = new DnsNameReader();

    DnsError read(byte[] msg, int at) {
        return r.read(ByteBuffer.wrap(msg), 0, msg.length, at);
    }

    static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    @Test
    void readsAnUncompressedName() {
        byte[] m = DnsQueries.name("www.Jstack.test");
        assertEquals(DnsError.NONE, read(m, 0));
        assertEquals("www.Jstack.test", r.text());
        assertEquals(m.length, r.end());
        assertEquals(m.length, r.length());
        assertTrue(r.equalsName(DnsNames.toWire("WWW.jstack.TEST")), "RFC 4343: case-insensitive");
        assertTrue(r.endsWith(DnsNames.toWire("jstack.test")));
        assertFalse(r.endsWith(DnsNames.toWire("stack.test")), "suffixes start on a label boundary");
    }

    @Test
    void readsTheRoot() {
        assertEquals(DnsError.NONE, read(new byte[] {0}, 0));
        assertTrue(r.isRoot());
        assertEquals(".", r.text());
    }

    /** RFC 1035 §4.1.4: a pointer replaces the rest of a name with a prior occurrence. */
    @Test
    void rfc1035_4_1_4FollowsCompressionPointersAndEndsAfterTheFirst() {
        // offset 0: "jstack.test"; offset 13: "www" + pointer to 0; offset 19: pointer to 13
        byte[] m = hex("066a737461636b 0474657374 00" + "03777777 c000" + "c00d");
        assertEquals(DnsError.NONE, read(m, 13));
        assertEquals("www.jstack.test", r.text());
        assertEquals(19, r.end(), "the name ends after its pointer, where it began");
        assertEquals(DnsError.NONE, read(m, 19));
        assertEquals("www.jstack.test", r.text());
        assertEquals(21, r.end());
    }

    @Test
    void pointerToItselfIsALoop() {
        assertEquals(DnsError.POINTER_LOOP, read(hex("c000"), 0));
    }

    @Test
    void twoPointersAtEachOtherAreALoop() {
        // offset 0: pointer to 2; offset 2: pointer to 0. Reading at 2 goes back to 0, which points forward.
        byte[] m = hex("c002 c000");
        assertEquals(DnsError.POINTER_LOOP, read(m, 2));
        assertEquals(DnsError.POINTER_LOOP, read(m, 0));
    }

    @Test
    void labelThenPointerBackToItselfIsALoop() {
        // "a" then a pointer to offset 0 (the "a" again): would expand forever.
        assertEquals(DnsError.POINTER_LOOP, read(hex("0161 c000"), 0));
        // Reached through an earlier pointer: 4 -> 0 -> label -> pointer to 0 again.
        assertEquals(DnsError.POINTER_LOOP, read(hex("0161 c000 c000"), 4));
    }

    @Test
    void pointerBeyondTheMessageIsRejected() {
        assertEquals(DnsError.POINTER_LOOP, read(hex("c0ff"), 0));
    }

    @Test
    void everyTruncationIsReported() {
        byte[] m = hex("066a737461636b 0474657374 00" + "03777777 c000");
        for (int n = 0; n < m.length; n++) {
            byte[] cut = Arrays.copyOf(m, n);
            int at = n >= 13 ? 13 : 0;
            assertEquals(DnsError.TRUNCATED, r.read(ByteBuffer.wrap(cut), 0, n, at), "length " + n);
        }
    }

    /** RFC 1035 §2.3.4: labels are 63 octets or less; length octets 64-191 are the reserved types 01 and 10. */
    @Test
    void rfc1035_2_3_4LabelsAbove63AreRejected() {
        byte[] m = new byte[70];
        m[0] = 64;
        assertEquals(DnsError.LABEL_TOO_LONG, read(m, 0));
        m[0] = (byte) 0x80;
        assertEquals(DnsError.LABEL_TOO_LONG, read(m, 0));
        m[0] = 63;
        assertEquals(DnsError.NONE, read(m, 0), "63 is the largest label");
    }

    /** RFC 1035 §2.3.4: names are 255 octets or less. */
    @Test
    void rfc1035_2_3_4NamesAbove255AreRejected() {
        // Four 63-octet labels: 4 * 64 + 1 = 257 octets.
        byte[] m = new byte[257];
        for (int i = 0; i < 4; i++) m[i * 64] = 63;
        assertEquals(DnsError.NAME_TOO_LONG, read(m, 0));
        // Three 63-octet labels and one of 61: 3 * 64 + 62 + 1 = 255 octets, the largest name.
        byte[] ok = new byte[255];
        for (int i = 0; i < 3; i++) ok[i * 64] = 63;
        ok[192] = 61;
        assertEquals(DnsError.NONE, read(ok, 0));
        assertEquals(255, r.length());
    }

    @Test
    void longNameBuiltFromAChainOfBackwardPointersIsRejected() {
        // Each entry is a 62-octet label followed by a pointer to the previous entry: a long chain of valid
        // backward pointers that expands past 255 octets.
        byte[] m = new byte[10 * 65];
        for (int i = 0; i < 10; i++) {
            int at = i * 65;
            m[at] = 62;
            if (i == 0) {
                m[at + 63] = 0;
                m[at + 64] = 0;
            } else {
                int target = (i - 1) * 65;
                m[at + 63] = (byte) (0xc0 | target >>> 8);
                m[at + 64] = (byte) target;
            }
        }
        assertEquals(DnsError.NAME_TOO_LONG, read(m, 9 * 65));
        assertEquals(DnsError.NONE, read(m, 2 * 65));
        assertEquals(3 * 63 + 1, r.length());
    }

    @Test
    void pointersAreRelativeToTheMessageStart() {
        // The message starts at offset 5 of the buffer; its pointer c000 means the message's first octet.
        byte[] buf = hex("ffffffffff" + "0161 00" + "c000");
        assertEquals(DnsError.NONE, r.read(ByteBuffer.wrap(buf), 5, buf.length - 5, 8));
        assertEquals("a", r.text());
    }
}
