package io.jstack.link;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Writes a classic libpcap file (not pcapng) of raw IP packets: link type 101, {@code LINKTYPE_RAW}, so each
 * record is an IPv4 packet with no link header. Records collect in one direct buffer and reach the file when it
 * fills, when a write or {@link #flushIfDue} finds the oldest unwritten record older than the flush interval, and on
 * {@link #close}. No allocation per packet. An I/O failure stops the capture (see {@link #failure()}), it never
 * throws into the packet loop. Not thread-safe beyond what {@code synchronized} gives: one writer thread, plus
 * a closing thread.
 *
 * @spec https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html pcap file format (draft-ietf-opsawg-pcap)
 * @spec https://www.tcpdump.org/linktypes.html LINKTYPE_RAW = 101
 */
public final class PcapWriter implements Closeable {
    /** The wall-clock time of a packet: microseconds since the Unix epoch. Injected so tests fix it. */
    @FunctionalInterface
    public interface EpochClock {
        long epochMicros();

        /**
         * The system's time: the epoch read once, advanced by the monotonic clock, so reading it neither
         * allocates nor jumps when the wall clock is set.
         */
        static EpochClock system() {
            Instant start = Instant.now();
            long startNanos = System.nanoTime();
            long startMicros = start.getEpochSecond() * 1_000_000L + start.getNano() / 1_000;
            return () -> startMicros + (System.nanoTime() - startNanos) / 1_000;
        }
    }

    public static final int MAGIC_MICROS = 0xa1b2c3d4;
    public static final int LINKTYPE_RAW = 101;
    public static final int SNAPLEN = 65535;
    public static final int FILE_HEADER_LENGTH = 24;
    public static final int RECORD_HEADER_LENGTH = 16;
    /** Default bound on how long a record may wait in memory, so a killed process leaves a nearly whole file. */
    public static final long DEFAULT_FLUSH_INTERVAL_MICROS = 200_000;
    private static final long NOTHING_PENDING = Long.MIN_VALUE;

    private final FileChannel channel;
    private final EpochClock clock;
    private final long flushIntervalMicros;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private long oldestPendingMicros = NOTHING_PENDING;
    private long packets;
    private long bytes;
    private IOException failure;
    private boolean closed;

    private PcapWriter(FileChannel channel, EpochClock clock, long flushIntervalMicros) {
        this.channel = channel;
        this.clock = clock;
        this.flushIntervalMicros = flushIntervalMicros;
    }

    /** Creates (or truncates) {@code file} and writes the file header at once. */
    public static PcapWriter create(Path file, EpochClock clock) throws IOException {
        return create(file, clock, DEFAULT_FLUSH_INTERVAL_MICROS);
    }

    public static PcapWriter create(Path file, EpochClock clock, long flushIntervalMicros) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        PcapWriter w = new PcapWriter(ch, clock, flushIntervalMicros);
        w.buf.putInt(MAGIC_MICROS) // written little-endian: readers detect the byte order from it
                .putShort((short) 2).putShort((short) 4) // version 2.4
                .putInt(0) // thiszone (reserved)
                .putInt(0) // sigfigs (reserved)
                .putInt(SNAPLEN)
                .putInt(LINKTYPE_RAW);
        try {
            w.flush();
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return w;
    }

    /** Records the packet {@code packet[offset, offset + length)}, stamped with the clock's time now. */
    public synchronized void write(ByteBuffer packet, int offset, int length) {
        if (closed || failure != null) return;
        long now = clock.epochMicros();
        int captured = Math.min(length, SNAPLEN);
        try {
            // Full, or the oldest record has waited long enough (a busy loop may not go idle for a while).
            if (buf.remaining() < RECORD_HEADER_LENGTH + captured
                    || (oldestPendingMicros != NOTHING_PENDING && now - oldestPendingMicros >= flushIntervalMicros)) {
                flush();
            }
        } catch (IOException e) {
            failure = e;
            return;
        }
        buf.putInt((int) Math.floorDiv(now, 1_000_000L))
                .putInt((int) Math.floorMod(now, 1_000_000L))
                .putInt(captured)
                .putInt(length);
        buf.put(buf.position(), packet, offset, captured);
        buf.position(buf.position() + captured);
        if (oldestPendingMicros == NOTHING_PENDING) oldestPendingMicros = now;
        packets++;
        bytes += length;
    }

    /** Writes the pending records out if the oldest has waited the flush interval. */
    public synchronized void flushIfDue() {
        if (oldestPendingMicros == NOTHING_PENDING || closed || failure != null) return;
        long now = clock.epochMicros();
        if (now - oldestPendingMicros >= flushIntervalMicros || now < oldestPendingMicros) {
            try {
                flush();
            } catch (IOException e) {
                failure = e;
            }
        }
    }

    /** Microseconds until {@link #flushIfDue} would write, or {@link Long#MAX_VALUE} when nothing is pending. */
    public synchronized long microsUntilFlushDue() {
        if (oldestPendingMicros == NOTHING_PENDING || closed || failure != null) return Long.MAX_VALUE;
        return Math.max(0, oldestPendingMicros + flushIntervalMicros - clock.epochMicros());
    }

    private void flush() throws IOException {
        buf.flip();
        while (buf.hasRemaining()) channel.write(buf);
        buf.clear();
        oldestPendingMicros = NOTHING_PENDING;
    }

    /** Packets recorded so far. */
    public synchronized long packets() {
        return packets;
    }

    /** Bytes of the recorded packets (their original lengths). */
    public synchronized long bytes() {
        return bytes;
    }

    /** What stopped the capture, or null. */
    public synchronized IOException failure() {
        return failure;
    }

    /** Writes what is pending and closes the file. Idempotent. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) return;
        closed = true;
        try {
            if (failure == null) flush();
        } finally {
            channel.close();
        }
        if (failure != null) throw failure;
    }
}
