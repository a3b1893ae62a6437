package io.jstack.link;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One end of an in-memory link: what one end sends, the other receives, in order. Connects two stacks, or a
 * stack and a scripted peer, with no kernel. Each direction holds a bounded queue; a full queue drops.
 */
public final class MemoryLink implements Link {
    /** Both ends of a link. */
    public record Pair(MemoryLink a, MemoryLink b) {}

    private static final int DEFAULT_CAPACITY = 4096;

    private final int mtu;
    private final ArrayBlockingQueue<byte[]> inbound;
    private MemoryLink peer;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private boolean woken;
    private volatile boolean closed;
    private final AtomicLong dropped = new AtomicLong();
    private Offload offload = Offload.NONE;
    private final ByteBuffer offloadScratch = ByteBuffer.allocate(65536);
    private final SoftwareOffload.Sink offloadSink = this::send;

    private MemoryLink(int mtu, int capacity) {
        this.mtu = mtu;
        this.inbound = new ArrayBlockingQueue<>(capacity);
    }

    public static Pair pair() {
        return pair(1500);
    }

    public static Pair pair(int mtu) {
        return pair(mtu, DEFAULT_CAPACITY);
    }

    public static Pair pair(int mtu, int capacity) {
        MemoryLink a = new MemoryLink(mtu, capacity);
        MemoryLink b = new MemoryLink(mtu, capacity);
        a.peer = b;
        b.peer = a;
        return new Pair(a, b);
    }

    /**
     * Makes this end offer {@code offload} to its host, done in software ({@link SoftwareOffload}) so the other
     * end receives ordinary wire-sized packets: tests the host's offload path without a kernel. Before use.
     */
    public MemoryLink withOffload(Offload offload) {
        this.offload = offload;
        return this;
    }

    @Override
    public Offload offload() {
        return offload;
    }

    @Override
    public void sendTcp(ByteBuffer packet, int segmentSize) {
        if (!offload.tcpChecksum()) throw new UnsupportedOperationException("this MemoryLink offers no TCP offload");
        if (segmentSize > 0) segmentedPackets++;
        SoftwareOffload.finish(packet, segmentSize, offloadScratch, offloadSink);
    }

    private long segmentedPackets;

    /** Packets this end cut into segments for its host (segmentation offload). Event loop, or after it. */
    public long segmentedPackets() {
        return segmentedPackets;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public int receive(ByteBuffer dst) {
        byte[] p = inbound.poll();
        if (p == null) return -1;
        dst.clear();
        dst.put(0, p);
        dst.limit(p.length);
        return p.length;
    }

    /** Takes the next packet as an array, or null: for scripted peers in tests. */
    public byte[] receive() {
        return inbound.poll();
    }

    /** Waits up to {@code timeout} for the next packet: for scripted peers in tests, which have no loop. */
    public byte[] receive(long timeout, TimeUnit unit) throws InterruptedException {
        return inbound.poll(timeout, unit);
    }

    @Override
    public void send(ByteBuffer packet) {
        byte[] copy = new byte[packet.remaining()];
        packet.get(packet.position(), copy);
        send(copy);
    }

    /** Sends a packet given as an array (the array is handed over, not copied). */
    public void send(byte[] packet) {
        MemoryLink p = peer;
        if (closed || p.closed || packet.length > mtu || !p.inbound.offer(packet)) {
            dropped.incrementAndGet();
            return;
        }
        p.wakeup();
    }

    /** Packets this end could not deliver: link closed, larger than the MTU, or the peer's queue full. */
    public long dropped() {
        return dropped.get();
    }

    /** Packets waiting to be received at this end. */
    public int pending() {
        return inbound.size();
    }

    @Override
    public void await(long timeoutNanos) throws InterruptedException {
        if (!inbound.isEmpty()) return;
        lock.lock();
        try {
            long left = timeoutNanos;
            while (!woken && inbound.isEmpty() && left > 0 && !closed) {
                left = ready.awaitNanos(left);
            }
            woken = false;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void wakeup() {
        lock.lock();
        try {
            woken = true;
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        wakeup();
    }
}
