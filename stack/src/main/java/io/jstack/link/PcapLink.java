package io.jstack.link;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A {@link Link} that records both directions of another link to a pcap file (link type 101, raw IP) with a
 * {@link PcapWriter}. While the loop is idle ({@link #await}) pending records reach the file within the
 * writer's flush interval, so a process killed without warning still leaves a readable capture. Closing closes
 * the file and then the wrapped link.
 */
public final class PcapLink implements Link {
    private final Link inner;
    private final PcapWriter writer;

    public PcapLink(Link inner, PcapWriter writer) {
        this.inner = inner;
        this.writer = writer;
    }

    /** Wraps {@code inner}, capturing to a new file {@code file} with the system's time. */
    public static PcapLink capture(Link inner, Path file) throws IOException {
        return new PcapLink(inner, PcapWriter.create(file, PcapWriter.EpochClock.system()));
    }

    public Link inner() {
        return inner;
    }

    public PcapWriter writer() {
        return writer;
    }

    @Override
    public int mtu() {
        return inner.mtu();
    }

    /**
     * Records what the wire carried: a super-packet of the inner link's receive offload ({@link
     * Link#lastSegmentSize()}) as the wire segments it stands for, and a packet with a trusted, unfinished
     * checksum ({@link Link#lastChecksumTrusted()}) with its checksum completed, both cut or finished in a scratch
     * buffer by {@link SoftwareOffload}. The host still gets the packet as the inner link returned it.
     */
    @Override
    public int receive(ByteBuffer dst) {
        int n = inner.receive(dst);
        if (n < 0) return n;
        int segmentSize = inner.lastSegmentSize();
        if ((segmentSize > 0 || inner.lastChecksumTrusted()) && SoftwareOffload.isTcp(dst.position(0).limit(n))) {
            if (scratch == null) scratch = ByteBuffer.allocate(65536);
            SoftwareOffload.finish(dst, segmentSize, scratch, capture);
        } else {
            writer.write(dst, 0, n);
        }
        return n;
    }

    @Override
    public int lastSegmentSize() {
        return inner.lastSegmentSize();
    }

    @Override
    public boolean lastChecksumTrusted() {
        return inner.lastChecksumTrusted();
    }

    @Override
    public void send(ByteBuffer packet) {
        writer.write(packet, packet.position(), packet.remaining());
        inner.send(packet);
    }

    @Override
    public Offload offload() {
        return inner.offload();
    }

    /** Records the segments the link will put on the wire (finished in software), then hands the packet on. */
    @Override
    public void sendTcp(ByteBuffer packet, int segmentSize) {
        if (scratch == null) scratch = ByteBuffer.allocate(65536);
        SoftwareOffload.finish(packet, segmentSize, scratch, capture);
        inner.sendTcp(packet, segmentSize);
    }

    private ByteBuffer scratch;
    private final SoftwareOffload.Sink capture = this::record;

    private void record(ByteBuffer p) {
        writer.write(p, p.position(), p.remaining());
    }

    @Override
    public void await(long timeoutNanos) throws InterruptedException {
        writer.flushIfDue();
        long due = writer.microsUntilFlushDue();
        long dueNanos = due >= Long.MAX_VALUE / 1_000 ? Long.MAX_VALUE : due * 1_000;
        inner.await(Math.min(timeoutNanos, Math.max(dueNanos, 1)));
    }

    @Override
    public void wakeup() {
        inner.wakeup();
    }

    /** Closes the capture file, then the wrapped link. A write failure of the file surfaces here. */
    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException("pcap capture failed: " + e.getMessage(), e);
        } finally {
            inner.close();
        }
    }
}
