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
 */
public final class ImpairedLink implements Link {
    /** Packets impaired, per kind, over both directions. */
    public enum Counter { lost, duplicated, reordered, corrupted, delayed }

    /** How long a reordered packet is held back at least, so that later packets overtake it. */
    private static final long REORDER_HOLD_NANOS = 1_000_000;

    private record Held(long due, long order, byte[] bytes) {}

    private final Link inner;
    private final Impairment impairment;
    private final Random random;
    private final Clock clock;
    private final CounterSet<Counter> counters = new CounterSet<>(Counter.class);
    private final PriorityQueue<Held> outbound = new PriorityQueue<>(ImpairedLink::compare);
    private final PriorityQueue<Held> inbound = new PriorityQueue<>(ImpairedLink::compare);
    private final ArrayDeque<byte[]> inboundReady = new ArrayDeque<>();
    private final ByteBuffer scratch;
    private long order;

    public ImpairedLink(Link inner, Impairment impairment, long seed, Clock clock) {
        this.inner = inner;
        this.impairment = impairment;
        this.random = new Random(seed);
        this.clock = clock;
        this.scratch = ByteBuffer.allocate(Math.max(inner.mtu(), 65535) + 1);
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
        byte[] bytes = new byte[packet.remaining()];
        packet.get(packet.position(), bytes);
        impair(bytes, outbound, clock.nanos());
        flushOutbound(clock.nanos());
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
    private final SoftwareOffload.Sink wireSink = this::send; // one instance, not one per packet

    @Override
    public int receive(ByteBuffer dst) {
        long now = clock.nanos();
        flushOutbound(now);
        // Take what the inner link has and pass it through the inbound impairments.
        while (true) {
            scratch.clear();
            int n = inner.receive(scratch);
            if (n < 0) break;
            byte[] bytes = new byte[n];
            scratch.get(0, bytes);
            impair(bytes, inbound, now);
        }
        while (!inbound.isEmpty() && inbound.peek().due <= now) inboundReady.add(inbound.poll().bytes);
        byte[] p = inboundReady.poll();
        if (p == null) return -1;
        dst.clear();
        dst.put(0, p);
        dst.limit(p.length);
        return p.length;
    }

    private void flushOutbound(long now) {
        while (!outbound.isEmpty() && outbound.peek().due <= now) inner.send(ByteBuffer.wrap(outbound.poll().bytes));
    }

    /** Decides the fate of one packet and queues its copies with their due times. */
    private void impair(byte[] bytes, PriorityQueue<Held> queue, long now) {
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
            byte[] b = i == 0 ? bytes : bytes.clone();
            if (chance(impairment.corruptPercent()) && b.length > 0) {
                counters.increment(Counter.corrupted);
                int at = random.nextInt(b.length);
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
            queue.add(new Held(now + delay, order++, b));
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
