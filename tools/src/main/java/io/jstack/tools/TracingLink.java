package io.jstack.tools;

import io.jstack.link.Link;
import io.jstack.stat.CounterSet;
import io.jstack.time.Clock;
import io.jstack.tools.inspect.LiveTrace;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code serve --trace}: a {@link Link} that hands a copy of every packet received from and sent to another link,
 * with its time, to a bounded queue, in the order they cross; a printer thread decodes them with {@link LiveTrace}
 * (tshark's summary line, or the field tree) and hands each line to a sink. The event loop only copies and offers:
 * when the printer falls behind and the queue is full, the packet's line is dropped and counted, never waited for.
 * Relative times start at the first traced packet, as a capture's do. {@link #finish} prints what is queued and
 * stops the printer; {@link #close} also closes the wrapped link.
 */
public final class TracingLink implements Link {
    /** Lines printed by the printer, and lines dropped because the queue was full. */
    public enum Counter { linesPrinted, linesDropped }

    /** Packets that may wait for the printer before lines are dropped. */
    public static final int DEFAULT_CAPACITY = 4096;

    private record Seen(long tsNanos, byte[] bytes) {}

    private static final Seen STOP = new Seen(0, new byte[0]);

    private final Link inner;
    private final Clock epochNanos;
    private final BlockingQueue<Seen> queue;
    private final CounterSet<Counter> counters = new CounterSet<>(Counter.class);
    private final Thread printer;
    private volatile boolean finished;

    /**
     * @param inner      the link traced (the device side, where a capture is taken)
     * @param epochNanos the packets' time, in nanoseconds since the epoch (see {@link #epochClock()})
     * @param capacity   packets that may wait for the printer
     * @param verbose    print the field tree instead of the summary line
     * @param sink       receives each line on the printer thread
     */
    public TracingLink(Link inner, Clock epochNanos, int capacity, boolean verbose, Consumer<String> sink) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be positive: " + capacity);
        this.inner = inner;
        this.epochNanos = epochNanos;
        this.queue = new ArrayBlockingQueue<>(capacity);
        LiveTrace trace = new LiveTrace(sink, verbose);
        this.printer = Thread.ofPlatform().name("jstack-trace").daemon(true).start(() -> print(trace));
    }

    /** The system's time since the epoch: read once, advanced by the monotonic clock, so it never jumps back. */
    public static Clock epochClock() {
        Instant start = Instant.now();
        long startEpoch = start.getEpochSecond() * 1_000_000_000L + start.getNano();
        long startMono = System.nanoTime();
        return () -> startEpoch + (System.nanoTime() - startMono);
    }

    private void print(LiveTrace trace) {
        try {
            while (true) {
                Seen s = queue.take();
                if (s == STOP) return;
                try {
                    trace.onPacket(s.tsNanos(), s.bytes(), 0, s.bytes().length);
                    counters.increment(Counter.linesPrinted);
                } catch (RuntimeException e) {
                    // A decoding or sink bug must not end tracing; the line is lost and counted.
                    counters.increment(Counter.linesDropped);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public CounterSet<Counter> counters() {
        return counters;
    }

    public Link inner() {
        return inner;
    }

    private void trace(ByteBuffer b, int from, int len) {
        if (finished) return;
        byte[] copy = new byte[len];
        b.get(from, copy, 0, len);
        if (!queue.offer(new Seen(epochNanos.nanos(), copy))) counters.increment(Counter.linesDropped);
    }

    @Override
    public int mtu() {
        return inner.mtu();
    }

    @Override
    public int receive(ByteBuffer dst) {
        int n = inner.receive(dst);
        if (n >= 0) trace(dst, 0, n);
        return n;
    }

    /**
     * The wrapped link's receive offload, passed on: a super-packet is traced as one line (its length shows it),
     * and the host must still learn that the kernel left a checksum partial, or it would drop the packet.
     */
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
        trace(packet, packet.position(), packet.remaining());
        inner.send(packet);
    }

    @Override
    public void await(long timeoutNanos) throws InterruptedException {
        inner.await(timeoutNanos);
    }

    @Override
    public void wakeup() {
        inner.wakeup();
    }

    /**
     * Stops tracing: lines already queued are printed, then the printer ends. Waits at most {@code bound} (a sink
     * blocked on a full pipe must not hold up the exit); returns whether the printer ended. Idempotent.
     */
    public boolean finish(Duration bound) {
        finished = true;
        long deadline = System.nanoTime() + bound.toNanos();
        try {
            if (printer.isAlive() && !queue.offer(STOP, bound.toNanos(), TimeUnit.NANOSECONDS)) return false;
            printer.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !printer.isAlive();
    }

    /** {@link #finish} (bounded to 2 s), then closes the wrapped link. */
    @Override
    public void close() {
        try {
            finish(Duration.ofSeconds(2));
        } finally {
            inner.close();
        }
    }
}
