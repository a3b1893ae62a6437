package io.jstack.bench;

import io.jstack.link.Link;
import java.nio.ByteBuffer;

/**
 * One end of an in-memory link pair for single-threaded benchmarks: each direction is a ring of preallocated
 * slots, so sending copies the packet once into a slot and receiving copies it once out, like a TUN device, and
 * nothing is allocated per packet (unlike {@link io.jstack.link.MemoryLink}, which allocates an array for every
 * packet). Not thread-safe: one thread polls both hosts. A full ring drops, and counts.
 */
final class RingLink implements Link {
    /** Both ends. */
    record Pair(RingLink a, RingLink b) {}

    private final int mtu;
    private final ByteBuffer[] slots;
    private final int[] lengths;
    private int head, count;
    private RingLink peer;
    private long dropped;

    private RingLink(int mtu, int capacity) {
        this.mtu = mtu;
        this.slots = new ByteBuffer[capacity];
        this.lengths = new int[capacity];
        for (int i = 0; i < capacity; i++) slots[i] = ByteBuffer.allocateDirect(mtu);
    }

    static Pair pair(int mtu, int capacity) {
        RingLink a = new RingLink(mtu, capacity), b = new RingLink(mtu, capacity);
        a.peer = b;
        b.peer = a;
        return new Pair(a, b);
    }

    long dropped() {
        return dropped;
    }

    int pending() {
        return count;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public int receive(ByteBuffer dst) {
        if (count == 0) return -1;
        int n = lengths[head];
        dst.clear();
        dst.put(0, slots[head], 0, n);
        dst.limit(n);
        head = (head + 1) % slots.length;
        count--;
        return n;
    }

    @Override
    public void send(ByteBuffer packet) {
        RingLink p = peer;
        int n = packet.remaining();
        if (n > mtu || p.count == p.slots.length) {
            dropped++;
            return;
        }
        int tail = (p.head + p.count) % p.slots.length;
        p.slots[tail].put(0, packet, packet.position(), n);
        p.lengths[tail] = n;
        p.count++;
    }

    @Override
    public void await(long timeoutNanos) {}

    @Override
    public void wakeup() {}

    @Override
    public void close() {}
}
