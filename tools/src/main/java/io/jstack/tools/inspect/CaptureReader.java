package io.jstack.tools.inspect;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads pcap (both byte orders, micro- and nanosecond magic) and pcapng (SHB, IDB, EPB, SPB, several interfaces and
 * sections). Bounded: a corrupt length stops the reading and is reported in {@link Result#error()}, never thrown.
 */
public final class CaptureReader {
    /** Frames longer than this are cut; a capture file cannot make us allocate more per frame. */
    static final int MAX_FRAME = 262_144;

    private static final int PCAP_MICRO = 0xa1b2c3d4, PCAP_NANO = 0xa1b23c4d, PCAPNG_SHB = 0x0a0d0d0a;
    private static final int BYTE_ORDER_MAGIC = 0x1a2b3c4d;

    /** The frames read, and why reading stopped early ({@code null} when the whole file was read). */
    public record Result(List<Frame> frames, String error) {}

    private CaptureReader() {}

    /** Reads a capture through a read-only memory map (files up to 2 GiB; larger ones are read up to that size). */
    public static Result read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) return new Result(new ArrayList<>(), "file too short for a capture header");
            ByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(size, Integer.MAX_VALUE - 8));
            Result r = parse(map);
            if (size > Integer.MAX_VALUE - 8 && r.error() == null) return new Result(r.frames(), "only the first 2 GiB were read");
            return r;
        }
    }

    public static Result parse(byte[] bytes) {
        return parse(ByteBuffer.wrap(bytes));
    }

    public static Result parse(ByteBuffer buf) {
        List<Frame> frames = new ArrayList<>();
        if (buf.limit() < 4) return new Result(frames, "file too short for a capture header");
        int magicBe = buf.order(ByteOrder.BIG_ENDIAN).getInt(0);
        int magicLe = buf.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magicBe == PCAPNG_SHB) return new Result(frames, readPcapng(buf, frames));
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            int magic = order == ByteOrder.LITTLE_ENDIAN ? magicLe : magicBe;
            if (magic == PCAP_MICRO || magic == PCAP_NANO) {
                buf.order(order);
                return new Result(frames, readPcap(buf, magic == PCAP_NANO, frames));
            }
        }
        return new Result(frames, String.format("not a pcap or pcapng file (magic 0x%08x)", magicBe));
    }

    // pcap: 24-byte file header, then 16-byte record headers (ts_sec, ts_frac, incl_len, orig_len).
    private static String readPcap(ByteBuffer buf, boolean nano, List<Frame> frames) {
        if (buf.limit() < 24) return "truncated pcap file header";
        int linkType = buf.getInt(20) & 0x0fffffff;
        int pos = 24;
        while (pos < buf.limit()) {
            if (buf.limit() - pos < 16) return "truncated record header at offset " + pos;
            long sec = Integer.toUnsignedLong(buf.getInt(pos));
            long frac = Integer.toUnsignedLong(buf.getInt(pos + 4));
            long incl = Integer.toUnsignedLong(buf.getInt(pos + 8));
            long orig = Integer.toUnsignedLong(buf.getInt(pos + 12));
            pos += 16;
            if (incl > MAX_FRAME) return "record length " + incl + " too large at offset " + (pos - 16);
            if (incl > buf.limit() - pos) return "truncated record data at offset " + pos;
            byte[] data = new byte[(int) incl];
            buf.get(pos, data);
            pos += (int) incl;
            long ts = sec * 1_000_000_000L + (nano ? frac : frac * 1000);
            frames.add(new Frame(linkType, ts, nano ? 9 : 6, (int) Math.min(Math.max(orig, incl), Integer.MAX_VALUE), data));
        }
        return null;
    }

    private record Interface(int linkType, long unitsPerSecond, int digits) {}

    // pcapng (draft-ietf-opsawg-pcapng §4): blocks of type, total length, body, total length.
    private static String readPcapng(ByteBuffer buf, List<Frame> frames) {
        List<Interface> interfaces = new ArrayList<>();
        int pos = 0;
        while (pos < buf.limit()) {
            if (buf.limit() - pos < 12) return "truncated block header at offset " + pos;
            int type = buf.duplicate().order(ByteOrder.BIG_ENDIAN).getInt(pos);
            if (type == PCAPNG_SHB) {
                if (buf.limit() - pos < 28) return "truncated section header at offset " + pos;
                int bom = buf.duplicate().order(ByteOrder.BIG_ENDIAN).getInt(pos + 8);
                if (bom == BYTE_ORDER_MAGIC) buf.order(ByteOrder.BIG_ENDIAN);
                else if (Integer.reverseBytes(bom) == BYTE_ORDER_MAGIC) buf.order(ByteOrder.LITTLE_ENDIAN);
                else return "bad byte-order magic at offset " + pos;
                interfaces.clear();
            } else {
                type = buf.getInt(pos);
            }
            long len = Integer.toUnsignedLong(buf.getInt(pos + 4));
            if (len < 12 || len % 4 != 0 || len > buf.limit() - pos) return "bad block length " + len + " at offset " + pos;
            int body = pos + 8, end = pos + (int) len - 4;
            switch (type) {
                case 1 -> { // Interface Description Block §4.2
                    if (end - body < 8) return "truncated interface description at offset " + pos;
                    int linkType = Short.toUnsignedInt(buf.getShort(body));
                    long units = 1_000_000;
                    int digits = 6;
                    int opt = body + 8;
                    while (end - opt >= 4) {
                        int code = Short.toUnsignedInt(buf.getShort(opt));
                        int olen = Short.toUnsignedInt(buf.getShort(opt + 2));
                        if (code == 0 || olen > end - opt - 4) break;
                        if (code == 9 && olen >= 1) { // if_tsresol
                            int r = Byte.toUnsignedInt(buf.get(opt + 4));
                            int exp = r & 0x7f;
                            if ((r & 0x80) == 0 && exp <= 18) {
                                units = 1;
                                for (int i = 0; i < exp; i++) units *= 10;
                                digits = exp;
                            } else if ((r & 0x80) != 0 && exp <= 62) {
                                units = 1L << exp;
                                digits = 9;
                            }
                        }
                        opt += 4 + ((olen + 3) & ~3);
                    }
                    interfaces.add(new Interface(linkType, Math.max(1, units), digits));
                }
                case 6 -> { // Enhanced Packet Block §4.3
                    if (end - body < 20) return "truncated enhanced packet at offset " + pos;
                    int ifId = buf.getInt(body);
                    if (ifId < 0 || ifId >= interfaces.size()) return "packet for unknown interface " + ifId + " at offset " + pos;
                    Interface itf = interfaces.get(ifId);
                    long ts = (Integer.toUnsignedLong(buf.getInt(body + 4)) << 32) | Integer.toUnsignedLong(buf.getInt(body + 8));
                    long incl = Integer.toUnsignedLong(buf.getInt(body + 12));
                    long orig = Integer.toUnsignedLong(buf.getInt(body + 16));
                    if (incl > end - body - 20 || incl > MAX_FRAME) return "bad captured length at offset " + pos;
                    byte[] data = new byte[(int) incl];
                    buf.get(body + 20, data);
                    frames.add(new Frame(itf.linkType(), toNanos(ts, itf.unitsPerSecond()), Math.min(9, Math.max(itf.digits(), 0)),
                            (int) Math.min(Math.max(orig, incl), Integer.MAX_VALUE), data));
                }
                case 3 -> { // Simple Packet Block §4.4: interface 0, no time stamp
                    if (interfaces.isEmpty()) return "simple packet without interface at offset " + pos;
                    if (end - body < 4) return "truncated simple packet at offset " + pos;
                    long orig = Integer.toUnsignedLong(buf.getInt(body));
                    int incl = (int) Math.min(Math.min(orig, end - body - 4), MAX_FRAME);
                    byte[] data = new byte[incl];
                    buf.get(body + 4, data);
                    Interface itf = interfaces.get(0);
                    frames.add(new Frame(itf.linkType(), 0, itf.digits(), (int) Math.min(orig, Integer.MAX_VALUE), data));
                }
                default -> { } // name resolution, statistics, custom blocks: skipped
            }
            pos += (int) len;
        }
        return null;
    }

    private static long toNanos(long ts, long unitsPerSecond) {
        if (unitsPerSecond == 1_000_000_000L) return ts;
        long sec = Long.divideUnsigned(ts, unitsPerSecond), rem = Long.remainderUnsigned(ts, unitsPerSecond);
        return sec * 1_000_000_000L + (long) ((double) rem * 1e9 / unitsPerSecond);
    }
}
