package io.jstack.host;

import io.jstack.icmp.IcmpConfig;
import io.jstack.icmp.IcmpLayer;
import io.jstack.ip.Ipv4Config;
import io.jstack.ip.Ipv4Layer;
import io.jstack.link.Link;
import io.jstack.stat.CounterSet;
import io.jstack.time.Clock;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * The virtual host: one link, one IPv4 address, the IP and ICMP layers, and whatever transports are installed
 * on {@link #ip()}. Deterministic: {@link #poll()} does all the work with the time it reads from the injected
 * clock, and {@link #pollAt()} says when it next needs to run. Exactly one thread polls a host at a time (the
 * {@link HostLoop}, or a test); other threads hand it work with {@link #execute}.
 */
public final class Host {
    /** Packets taken from the link per poll before timers and tasks get their turn. */
    private static final int RECEIVE_BATCH = 64;

    private final Link link;
    private final Clock clock;
    private final Ipv4Layer ip;
    private final IcmpLayer icmp;
    private final ByteBuffer rx = ByteBuffer.allocateDirect(Ipv4Layer.HEADROOM + 65536);
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private long activity;
    private final Map<String, Supplier<CounterSet<?>>> counterSets = new LinkedHashMap<>();
    private final long startNanos;

    public Host(int address, Link link, Clock clock, Ipv4Config ipConfig) {
        this(address, link, clock, ipConfig, IcmpConfig.defaults());
    }

    public Host(int address, Link link, Clock clock, Ipv4Config ipConfig, IcmpConfig icmpConfig) {
        this.link = link;
        this.clock = clock;
        this.ip = new Ipv4Layer(address, link, ipConfig);
        this.icmp = IcmpLayer.install(ip, icmpConfig);
        this.startNanos = clock.nanos();
        addCounters("Ip", ip::counters);
        addCounters("Icmp", icmp::counters);
    }

    public Link link() {
        return link;
    }

    public Clock clock() {
        return clock;
    }

    public Ipv4Layer ip() {
        return ip;
    }

    public IcmpLayer icmp() {
        return icmp;
    }

    public int address() {
        return ip.address();
    }

    /** Nanoseconds since this host was created, by its clock. */
    public long uptimeNanos() {
        return clock.nanos() - startNanos;
    }

    /** Registers a layer's counters under a netstat-style section name ("Ip", "Udp", "Tcp", ...). */
    public synchronized void addCounters(String section, Supplier<CounterSet<?>> counters) {
        counterSets.put(section, counters);
    }

    /** Every counter, by section, in registration order. Any thread. */
    public synchronized Map<String, Map<String, Long>> counters() {
        Map<String, Map<String, Long>> all = new LinkedHashMap<>();
        counterSets.forEach((k, v) -> all.put(k, v.get().snapshot()));
        return all;
    }

    /** Queues {@code task} to run on the polling thread and wakes it if it may be waiting. Any thread. */
    public void execute(Runnable task) {
        tasks.add(task);
        if (stopped) {
            runTasksAfterStop(); // nobody polls any more: the caller runs it, so no socket call waits forever
            return;
        }
        if (mayBeWaiting) link.wakeup();
    }

    /**
     * False only while a driver that announces its waits ({@link #prepareToWait}) is known to be polling: then
     * {@link #execute} spares the wake-up (a system call on a TUN device), since the driver looks at the tasks
     * before it waits. True from the start, so a driver that never announces is always woken.
     */
    private volatile boolean mayBeWaiting = true;

    /** The driver is polling: tasks handed over from now on are seen without a wake-up. */
    public void awake() {
        mayBeWaiting = false;
    }

    /**
     * The driver is about to wait on the link: from now on {@link #execute} wakes it. Returns false if a task came
     * in meanwhile, and the driver should poll instead of waiting. (The flag is written before the queue is read,
     * and {@link #execute} writes the queue before it reads the flag: one of the two sees the other.)
     */
    public boolean prepareToWait() {
        mayBeWaiting = true;
        return tasks.isEmpty();
    }

    private volatile boolean stopped;

    /**
     * Tells the host that its driver has stopped polling for good (the loop ended, or its link failed). Tasks
     * queued before, and every task handed to {@link #execute} from now on, run on the caller's thread, one at a
     * time, so that closing sockets and services after the loop is gone completes instead of waiting forever.
     */
    public void stop() {
        stopped = true;
        runTasksAfterStop();
    }

    /** Whether {@link #stop()} has been called. */
    public boolean stopped() {
        return stopped;
    }

    private synchronized void runTasksAfterStop() {
        runTasks();
    }

    /**
     * Runs queued tasks, takes up to a batch of packets from the link, and runs expired timers, all at the
     * clock's current time. Returns true if it did anything, so a driver polls again before it waits.
     * Nothing escapes: a packet that makes a layer throw is counted by that layer's caller and dropped.
     */
    public boolean poll() {
        long now = clock.nanos();
        boolean busy = runTasks();
        if (busy) {
            try {
                ip.flush(now); // after the tasks completed: their callers run while the packets are written
            } catch (RuntimeException e) {
                bugs++;
            }
        }
        for (int i = 0; i < RECEIVE_BATCH; i++) {
            rx.clear();
            int n = link.receive(rx);
            if (n < 0) break;
            busy = true;
            activity++;
            try {
                ip.input(rx, now, link.lastChecksumTrusted());
            } catch (RuntimeException e) {
                // A bug, not bad input: every parser is bounded. Keep the loop alive and make it visible.
                bugs++;
            }
        }
        if (ip.pollAt() <= now) {
            try {
                ip.onTimer(now);
            } catch (RuntimeException e) {
                bugs++;
            }
            busy = true;
        }
        try {
            ip.flush(now); // output queued outside a task (a call on the loop thread, an observer's write)
        } catch (RuntimeException e) {
            bugs++;
        }
        return busy || !tasks.isEmpty();
    }

    private long bugs;

    /** Exceptions caught in the packet loop; always 0 unless jstack has a bug. */
    public long internalErrors() {
        return bugs;
    }

    private boolean runTasks() {
        boolean ran = false;
        Runnable t;
        while ((t = tasks.poll()) != null) {
            ran = true;
            activity++;
            try {
                t.run();
            } catch (RuntimeException e) {
                bugs++;
            }
        }
        return ran;
    }

    /** Packets received and tasks run so far (the driver's busy polling follows traffic, not timers). Poller only. */
    public long activity() {
        return activity;
    }

    /** The earliest timer deadline of any layer, or {@link Clock#NEVER}. */
    public long pollAt() {
        return tasks.isEmpty() ? ip.pollAt() : Long.MIN_VALUE;
    }
}
