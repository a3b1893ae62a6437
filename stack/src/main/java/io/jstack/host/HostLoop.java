package io.jstack.host;

import java.util.concurrent.TimeUnit;

/**
 * The driver: one platform thread that polls a {@link Host} and, when there is nothing to do, waits on the link
 * until a packet, a task or the next timer deadline. The only place that waits; protocol code never does.
 */
public final class HostLoop implements AutoCloseable {
    private static final long MAX_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Host host;
    private final Thread thread;
    private final long busyPollNanos;
    private volatile boolean running = true;
    private volatile Throwable failure;

    private HostLoop(Host host, String name, long busyPollNanos) {
        this.host = host;
        this.busyPollNanos = busyPollNanos;
        this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
    }

    /** Starts polling {@code host} on a new thread named {@code jstack-loop}. */
    public static HostLoop start(Host host) {
        return start(host, 0);
    }

    /**
     * As {@link #start(Host)}, but after the host was last busy the loop keeps polling for {@code busyPollNanos}
     * instead of sleeping in the link (as Linux's {@code net.core.busy_poll} does for a socket): a packet that
     * arrives meanwhile is taken at once, without the wake-up of a sleeping thread on an idle CPU (tens of
     * microseconds on a virtual machine), at the price of a CPU kept busy while traffic flows. 0: never.
     */
    public static HostLoop start(Host host, long busyPollNanos) {
        if (busyPollNanos < 0) throw new IllegalArgumentException("negative busy-poll time");
        HostLoop loop = new HostLoop(host, "jstack-loop", busyPollNanos);
        loop.thread.start();
        return loop;
    }

    public Host host() {
        return host;
    }

    public Thread thread() {
        return thread;
    }

    /** Whether the caller is the loop thread. */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    private void run() {
        try {
            boolean busyPolling = false;
            long busyUntil = 0;
            while (running) {
                host.awake();
                long before = host.activity();
                long start = busyPollNanos > 0 ? host.clock().nanos() : 0;
                boolean busy = host.poll();
                if (busyPollNanos > 0 && host.activity() != before) {
                    busyPolling = true;
                    busyUntil = start + busyPollNanos; // from the poll that had traffic
                }
                if (busy) continue;
                long now = host.clock().nanos();
                if (busyPolling && now - busyUntil < 0) {
                    Thread.onSpinWait();
                    continue;
                }
                long wait = Math.min(MAX_WAIT_NANOS, host.pollAt() - now);
                if (wait > 0 && host.prepareToWait()) host.link().await(wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
        } finally {
            host.stop(); // whatever ended the loop, later socket calls must not wait for it
        }
    }

    /** What stopped the loop abnormally, or null. */
    public Throwable failure() {
        return failure;
    }

    /** Stops the loop and waits for the thread to end. Does not close the link. */
    @Override
    public void close() {
        running = false;
        host.link().wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
