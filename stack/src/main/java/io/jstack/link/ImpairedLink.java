package io.jstack.link;

import io.jstack.stat.CounterSet;
import io.jstack.time.Clock;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * Wraps a link and impairs the packets crossing it in both directions: loss, duplication, reordering,
 * corruption, delay and jitter, drawn from a seeded {@link Random} so a run can be reproduced. Delays are
 * deadlines on the clock it is handed, never sleeps: held packets leave when a later {@link #receive} finds
 * them due, and {@link #await} wakes for the earliest. Like any link, only the event loop calls it
 * (except {@link #wakeup}).
 *
 * <p>Impairments apply to wire packets: a super-packet of the wrapped link's receive offload ({@link
 * Link#lastSegmentSize()}) is first cut into the wire segments it stands for ({@link SoftwareOffload}), each
 * lost, delayed or reordered on its own and returned by {@link #receive} one at a time; outgoing packets the host
 * asks to have segmented ({@link #sendTcp}) are cut the same way. Received segments carry full checksums, so this
 * link reports no receive offload and a corrupted segment is caught by the host. Held packets live in pooled
 * buffers: no allocation per packet once the pool has grown to the most packets held at once.
 */
public final class ImpairedLink implements Link {
    /** Packets impaired, per kind, over both directions. */
    public enum Counter { lost, duplicated, reordered, corrupted, delayed }

    /** How long a reordered packet is held back at least, so that later packets overtake it. */
    private static final long REORDER_HOLD_NANOS = 1_000_000;

    /** One held packet: a pooled, reusable buffer and its due time. Mutated only while in no queue. */
    private static final class Held {
        long due;
        long order;
        byte[] bytes;
        ByteBuffer view;
        int length;

        Held(int capacity) {
            bytes = new byte[capacity];
            view = ByteBuffer.wrap(bytes);
        }

        /** Copies {@code len} bytes of {@code src} from {@code off}, growing (rarely) for an outsized packet. */
        void fill(ByteBuffer src, int off, int len) {
            if (bytes.length < len) {
                bytes = new byte[len];
                view = ByteBuffer.wrap(bytes);
            }
            src.get(off, bytes, 0, len);
            length = len;
        }
    }

    private final Link inner;
    private final Impairment impairment;
    private final Random random;
    private final Clock clock;
    private final CounterSet<Counter> counters = new CounterSet<>(Counter.class);
    private final PriorityQueue<Held> outbound = new PriorityQueue<>(ImpairedLink::compare);
    private final PriorityQueue<Held> inbound = new PriorityQueue<>(ImpairedLink::compare);
    private final ArrayDeque<Held> inboundReady = new ArrayDeque<>();
    private final ArrayDeque<Held> free = new ArrayDeque<>();
    private final ByteBuffer scratch;
    private final int slotCapacity;
    private long order;
    /** The time of the current {@link #receive}, for {@link #inboundSink}. */
    private long receiveNow;

    public ImpairedLink(Link inner, Impairment impairment, long seed, Clock clock) {
        this.inner = inner;
        this.impairment = impairment;
        this.random = new Random(seed);
        this.clock = clock;
        this.scratch = ByteBuffer.allocate(Math.max(inner.mtu(), 65535) + 1);
        this.slotCapacity = Math.min(inner.mtu(), 65535);
    }

    private static int compare(Held a, Held b) {
        int c = Long.compare(a.due, b.due);
        return c != 0 ? c : Long.compare(a.order, b.order);
    }

    public Impairment impairment() {
        return impairment;
    }

    public CounterSet<Counter> counters() {
        return counters;
    }

    @Override
    public int mtu() {
        return inner.mtu();
    }

    @Override
    public void send(ByteBuffer packet) {
        long now = clock.nanos();
        impair(packet, packet.position(), packet.remaining(), outbound, now);
        flushOutbound(now);
    }

    /** The wrapped link's offload, done here in software so that every wire-sized segment is impaired alone. */
    @Override
    public Offload offload() {
        return inner.offload();
    }

    @Override
    public void sendTcp(ByteBuffer packet, int segmentSize) {
        if (!inner.offload().tcpChecksum()) throw new UnsupportedOperationException("the wrapped link offers no TCP offload");
        if (offloadScratch == null) offloadScratch = ByteBuffer.allocate(65536);
        SoftwareOffload.finish(packet, segmentSize, offloadScratch, wireSink);
    }

    private ByteBuffer offloadScratch;
    private ByteBuffer receiveScratch;
    private final SoftwareOffload.Sink wireSink = this::send; // one instance, not one per packet
    private final SoftwareOffload.Sink inboundSink = p -> impair(p, p.position(), p.remaining(), inbound, receiveNow);

    /**
     * Takes every packet the wrapped link has, cuts super-packets into wire segments, impairs each, and returns
     * the first wire packet that is due (one per call), or -1.
     */
    @Override
    public int receive(ByteBuffer dst) {
        long now = clock.nanos();
        flushOutbound(now);
        receiveNow = now;
        // Take what the inner link has and pass it through the inbound impairments, one wire packet at a time.
        while (true) {
            scratch.clear();
            int n = inner.receive(scratch);
            if (n < 0) break;
            int segmentSize = inner.lastSegmentSize();
            boolean offloaded = segmentSize > 0 || inner.lastChecksumTrusted();
            if (offloaded && SoftwareOffload.isTcp(scratch.position(0).limit(n))) {
                if (receiveScratch == null) receiveScratch = ByteBuffer.allocate(65536);
                SoftwareOffload.finish(scratch, segmentSize, receiveScratch, inboundSink);
            } else {
                impair(scratch, 0, n, inbound, now);
            }
        }
        while (!inbound.isEmpty() && inbound.peek().due <= now) inboundReady.add(inbound.poll());
        Held p = inboundReady.poll();
        if (p == null) return -1;
        dst.clear();
        dst.put(0, p.bytes, 0, p.length);
        dst.limit(p.length);
        free.push(p);
        return p.length;
    }

    private void flushOutbound(long now) {
        while (!outbound.isEmpty() && outbound.peek().due <= now) {
            Held h = outbound.poll();
            inner.send(h.view.limit(h.length).position(0));
            free.push(h);
        }
    }

    private Held take(ByteBuffer src, int off, int len) {
        Held h = free.poll();
        if (h == null) h = new Held(Math.max(slotCapacity, len));
        h.fill(src, off, len);
        return h;
    }

    /** Decides the fate of one packet ({@code len} bytes of {@code src} from {@code off}) and queues its copies. */
    private void impair(ByteBuffer src, int off, int len, PriorityQueue<Held> queue, long now) {
        if (chance(impairment.lossPercent())) {
            counters.increment(Counter.lost);
            return;
        }
        int copies = 1;
        if (chance(impairment.dupPercent())) {
            counters.increment(Counter.duplicated);
            copies = 2;
        }
        for (int i = 0; i < copies; i++) {
            Held h = take(src, off, len);
            byte[] b = h.bytes;
            if (chance(impairment.corruptPercent()) && len > 0) {
                counters.increment(Counter.corrupted);
                int at = random.nextInt(len);
                b[at] ^= (byte) (1 << random.nextInt(8));
            }
            long delay = impairment.delay().toNanos();
            long jitter = impairment.jitter().toNanos();
            if (jitter > 0) delay = Math.max(0, delay + (long) ((random.nextDouble() * 2 - 1) * jitter));
            if (chance(impairment.reorderPercent())) {
                counters.increment(Counter.reordered);
                delay += REORDER_HOLD_NANOS + Math.max(jitter, impairment.delay().toNanos() / 2);
            }
            if (delay > 0) counters.increment(Counter.delayed);
            h.due = now + delay;
            h.order = order++;
            queue.add(h);
        }
    }

    private boolean chance(double percent) {
        return percent > 0 && random.nextDouble() * 100 < percent;
    }

    @Override
    public void await(long timeoutNanos) throws InterruptedException {
        if (!inboundReady.isEmpty()) return;
        long now = clock.nanos();
        long next = Long.MAX_VALUE;
        if (!inbound.isEmpty()) next = Math.min(next, inbound.peek().due);
        if (!outbound.isEmpty()) next = Math.min(next, outbound.peek().due);
        if (next <= now) return;
        inner.await(next == Long.MAX_VALUE ? timeoutNanos : Math.min(timeoutNanos, next - now));
    }

    @Override
    public void wakeup() {
        inner.wakeup();
    }

    @Override
    public void close() {
        inner.close();
    }
}
