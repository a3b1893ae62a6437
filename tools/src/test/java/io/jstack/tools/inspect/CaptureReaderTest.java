package io.jstack.tools.inspect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CaptureReaderTest {
    private static final byte[] PING = Pkt.ipv4(Pkt.CLIENT, Pkt.SERVER, 1, 7, 0, Pkt.icmpEcho(8, 1, 1, new byte[8]));

    @Test
    void pcapInBothByteOrdersWithMicroAndNanosecondStamps() {
        for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            for (boolean nano : new boolean[] {false, true}) {
                CaptureReader.Result r = CaptureReader.parse(Pkt.pcap(order, nano, 101, PING, PING));
                assertNull(r.error());
                assertEquals(2, r.frames().size());
                Frame f = r.frames().get(1);
                assertEquals(101, f.linkType());
                assertEquals(nano ? 9 : 6, f.tsDigits());
                assertEquals(1_700_000_000L * 1_000_000_000L + 1_000_000L, f.tsNanos());
                assertArrayEquals(PING, f.data());
            }
        }
    }

    /** pcapng (draft-ietf-opsawg-pcapng §4.2-§4.4): two interfaces with their own resolution, EPBs and an SPB. */
    @Test
    void pcapngWithTwoInterfacesEnhancedAndSimplePackets() {
        for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(block(order, 0x0a0d0d0a, b -> b.putInt(0x1a2b3c4d).putShort((short) 1).putShort((short) 0).putLong(-1)));
            out.writeBytes(block(order, 1, b -> b.putShort((short) 101).putShort((short) 0).putInt(0)));                       // µs
            out.writeBytes(block(order, 1, b -> b.putShort((short) 228).putShort((short) 0).putInt(0)
                    .putShort((short) 9).putShort((short) 1).put((byte) 9).put(new byte[3]).putInt(0)));                          // ns
            out.writeBytes(block(order, 6, b -> epb(b, 0, 1_500_000L)));
            out.writeBytes(block(order, 6, b -> epb(b, 1, 2_000_000_123L)));
            out.writeBytes(block(order, 3, b -> b.putInt(PING.length).put(PING).put(new byte[pad(PING.length)])));
            CaptureReader.Result r = CaptureReader.parse(out.toByteArray());
            assertNull(r.error());
            assertEquals(3, r.frames().size());
            assertEquals(1_500_000_000L, r.frames().get(0).tsNanos());
            assertEquals(6, r.frames().get(0).tsDigits());
            assertEquals(228, r.frames().get(1).linkType());
            assertEquals(2_000_000_123L, r.frames().get(1).tsNanos());
            assertEquals(9, r.frames().get(1).tsDigits());
            assertEquals(101, r.frames().get(2).linkType());
            assertArrayEquals(PING, r.frames().get(2).data());
        }
    }

    private static void epb(ByteBuffer b, int ifId, long ts) {
        b.putInt(ifId).putInt((int) (ts >>> 32)).putInt((int) ts).putInt(PING.length).putInt(PING.length).put(PING).put(new byte[pad(PING.length)]);
    }

    private static int pad(int n) {
        return (4 - n % 4) % 4;
    }

    private static byte[] block(ByteOrder order, int type, java.util.function.Consumer<ByteBuffer> body) {
        ByteBuffer b = ByteBuffer.allocate(4096).order(order);
        body.accept(b);
        int len = 12 + b.position();
        ByteBuffer out = ByteBuffer.allocate(len).order(order);
        out.putInt(type).putInt(len).put(b.array(), 0, b.position()).putInt(len);
        return out.array();
    }

    @Test
    void everyTruncationOfAFileStopsWithAReasonAndKeepsTheWholeFramesBeforeIt() {
        byte[] file = Pkt.pcap(ByteOrder.LITTLE_ENDIAN, false, 101, PING, PING, PING);
        for (int cut = 0; cut < file.length; cut++) {
            CaptureReader.Result r = CaptureReader.parse(Arrays.copyOf(file, cut));
            int whole = cut < 24 ? 0 : (cut - 24) / (16 + PING.length);
            assertEquals(whole, r.frames().size(), "cut at " + cut);
            if (cut != 24 + whole * (16 + PING.length)) assertNotNull(r.error(), "cut at " + cut);
        }
    }

    @Test
    void aHugeRecordLengthIsRefusedWithoutAllocatingIt() {
        byte[] file = Pkt.pcap(ByteOrder.LITTLE_ENDIAN, false, 101, PING);
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(24 + 8, Integer.MAX_VALUE);
        CaptureReader.Result r = CaptureReader.parse(file);
        assertEquals(0, r.frames().size());
        assertNotNull(r.error());
    }

    @Test
    void randomCorruptionOfCaptureFilesNeverThrows() {
        Random random = new Random(6);
        byte[][] files = {Pkt.pcap(ByteOrder.LITTLE_ENDIAN, false, 101, PING, PING), Pkt.pcap(ByteOrder.BIG_ENDIAN, true, 1, PING, PING)};
        for (int i = 0; i < 3000; i++) {
            byte[] f = files[i % 2].clone();
            for (int k = 0; k < 1 + random.nextInt(6); k++) f[random.nextInt(f.length)] = (byte) random.nextInt(256);
            CaptureReader.Result r = CaptureReader.parse(f);
            InspectCommand.decode(r.frames()).forEach(p -> InspectCommand.summary(p));
        }
    }
}
