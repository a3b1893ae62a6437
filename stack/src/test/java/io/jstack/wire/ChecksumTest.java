package io.jstack.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Internet checksum (RFC 1071) against a naive word-by-word reference. */
public class ChecksumTest {
    /** RFC 1071 §1, literally: add 16-bit words with end-around carry, pad an odd byte with zero, complement. */
    public static int reference(byte[] b, int off, int len) {
        int sum = 0;
        for (int i = 0; i < len; i += 2) {
            int hi = b[off + i] & 0xff;
            int lo = i + 1 < len ? b[off + i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return ~sum & 0xffff;
    }

    @Test
    void rfc1071Section3NumericalExample() {
        // RFC 1071 §3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2, so the checksum is its complement 220d.
        byte[] b = {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7};
        assertEquals(0x220d, Checksum.compute(b));
        assertEquals(0x220d, reference(b, 0, b.length));
    }

    @Test
    void rfc1071MatchesTheReferenceAtEveryLengthAndOffsetInHeapAndDirectBuffers() {
        var rnd = new SplittableRandom(1071);
        for (int len = 0; len <= 300; len++) {
            for (int off = 0; off < 9; off++) {
                byte[] data = new byte[off + len + 3];
                rnd.nextBytes(data);
                int want = reference(data, off, len);
                assertEquals(want, Checksum.compute(ByteBuffer.wrap(data), off, len), "heap len " + len + " off " + off);
                ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(0, data);
                assertEquals(want, Checksum.compute(direct, off, len), "direct len " + len + " off " + off);
            }
        }
    }

    @Test
    void rfc1071CarriesFoldAtTheLargestDatagram() {
        byte[] ones = new byte[65535];
        java.util.Arrays.fill(ones, (byte) 0xff);
        assertEquals(reference(ones, 0, ones.length), Checksum.compute(ones));
        byte[] mixed = new byte[65535];
        new SplittableRandom(7).nextBytes(mixed);
        assertEquals(reference(mixed, 0, mixed.length), Checksum.compute(mixed));
    }

    @Test
    void rfc1071Section2PartialSumsOverEvenSplitsAddUp() {
        var rnd = new SplittableRandom(2);
        byte[] data = new byte[1001];
        rnd.nextBytes(data);
        ByteBuffer b = ByteBuffer.wrap(data);
        for (int split = 0; split <= data.length; split += 2) {
            long s = Checksum.partial(b, 0, split, 0);
            s = Checksum.partial(b, split, data.length - split, s);
            assertEquals(reference(data, 0, data.length), Checksum.finish(s), "split " + split);
        }
    }

    @Test
    void rfc1071ChecksumOverDataWithItsChecksumIsZero() {
        byte[] d = {0x45, 0, 0, 0x1c, 0, 1, 0, 0, 64, 1, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};
        int c = Checksum.compute(d);
        d[10] = (byte) (c >>> 8);
        d[11] = (byte) c;
        assertEquals(0, Checksum.compute(d));
    }

    @Test
    void pseudoHeaderSumMatchesTheReferenceOverTheTwelveBytes() {
        int src = 0xc0a80001, dst = 0x0a000002;
        ByteBuffer p = ByteBuffer.allocate(12).putInt(0, src).putInt(4, dst).put(9, (byte) 17).putShort(10, (short) 1234);
        assertEquals(reference(p.array(), 0, 12), Checksum.finish(Checksum.pseudoHeader(src, dst, 17, 1234)));
    }
}
