package io.jstack.ip;

import io.jstack.stat.CounterSet;
import io.jstack.time.Clock;
import io.jstack.wire.Ipv4Packet;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * IPv4 reassembly (RFC 791 §3.2, RFC 815) for a host with one address. Fragments are kept per
 * (source, destination, protocol, identification) in a buffer of their own, in any order, until the datagram is
 * whole, it times out, or it proves inconsistent.
 *
 * <p>Policy, chosen to match Linux since 4.19 and RFC 5722 (which states it for IPv6):
 * <ul>
 *   <li>an exact duplicate (same offset and end as a fragment already held) is ignored; the first copy stays;</li>
 *   <li>any other overlap, a second last fragment with a different end, or data past the known end discards the
 *       whole partial datagram ({@code ipReasmFails}). Overlaps are where fragment attacks live, and only the
 *       datagram concerned is touched: every datagram owns its buffer, so nothing can corrupt another;</li>
 *   <li>a fragment that would take the pending bytes over {@link Ipv4Config#reassemblyMemoryBytes()} first
 *       evicts the oldest other partial datagrams ({@code ipReasmFails} each, no ICMP), so that a burst of junk
 *       fragments cannot block reassembly until it times out; only if its own datagram alone would pass the cap
 *       is the fragment dropped ({@code ipInDiscards}) with its datagram ({@code ipReasmFails}). Eviction is
 *       O(1) per victim (oldest first), so a flood costs no scans;</li>
 *   <li>a partial datagram lives {@link Ipv4Config#reassemblyTimeout()} from its first fragment (RFC 1122 §3.2.1.4:
 *       a fixed timeout; RFC 791's TTL-driven timer is not used). Then it is discarded and, if its first fragment
 *       had arrived, ICMP Time Exceeded code 1 quotes that fragment (RFC 792; RFC 1122 §3.2.1.4).</li>
 * </ul>
 * The reassembled datagram gets the first fragment's header, options included, without its fragment fields, and
 * is at most 65535 bytes long (RFC 791 §3.1). Not thread-safe: event loop only.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc791#section-3.2 RFC 791 §3.2
 * @spec https://www.rfc-editor.org/rfc/rfc815 RFC 815
 */
final class Reassembler {
    /** Room for the largest header in front of the data: the first fragment's own header goes right before it. */
    static final int DATA = Ipv4Packet.MAX_HEADER_LENGTH;
    /** Bytes charged per pending datagram besides its buffers (bookkeeping, map entry). */
    static final int OVERHEAD_BYTES = 128;
    private static final int INITIAL_FRAGMENTS = 8;

    private final long timeoutNanos;
    private final long memoryCapBytes;
    private final CounterSet<IpCounter> counters;
    /** Insertion order is deadline order, as every deadline is {@code now + timeout} and time only advances. */
    private final LinkedHashMap<Long, Partial> pending = new LinkedHashMap<>();
    private long memoryBytes;

    Reassembler(Ipv4Config config, CounterSet<IpCounter> counters) {
        this.timeoutNanos = config.reassemblyTimeout().toNanos();
        this.memoryCapBytes = config.reassemblyMemoryBytes();
        this.counters = counters;
    }

    /** One partial datagram: its data at {@code DATA + offset} of {@code buf}, and the fragments received. */
    private static final class Partial {
        final long deadline;
        ByteBuffer buf;
        int[] starts = new int[INITIAL_FRAGMENTS];
        int[] ends = new int[INITIAL_FRAGMENTS];
        int fragments;
        int receivedBytes;
        int maxEnd;
        /** Length of the data once the last fragment (MF clear) is known, else -1. */
        int totalData = -1;
        /** Header length of the first fragment (offset 0) once it has arrived, else 0. */
        int firstHeaderLength;
        long charged;

        Partial(long deadline) {
            this.deadline = deadline;
        }
    }

    /** Number of partial datagrams held. */
    int pendingDatagrams() {
        return pending.size();
    }

    /** Bytes charged against the memory cap right now. */
    long memoryBytes() {
        return memoryBytes;
    }

    private static long key(Ipv4Packet f, int localAddress) {
        // RFC 791 §3.2 keys on (source, destination, protocol, identification). One local address: the
        // destination is ours, the limited broadcast or our subnet's broadcast, so two bits tell them apart.
        int d = f.destination();
        long dstBit = d == localAddress ? 0 : d == Ipv4Layer.LIMITED_BROADCAST ? 1 : 2;
        return (Integer.toUnsignedLong(f.source()) << 32) | ((long) f.identification() << 16)
                | ((long) f.protocol() << 8) | dstBit;
    }

    /**
     * Takes a checked fragment addressed to this host. When it completes its datagram, re-points {@code out} at
     * the reassembled datagram (valid until the next call) and returns true.
     */
    boolean offer(Ipv4Packet f, int localAddress, long now, Ipv4Packet out) {
        counters.increment(IpCounter.ipReasmReqds);
        long key = key(f, localAddress);
        Partial p = pending.get(key);
        boolean fresh = p == null;
        if (fresh) p = new Partial(now + timeoutNanos);
        int hl = f.headerLength();
        int start = f.fragmentOffsetBytes();
        int length = f.totalLength() - hl;
        int end = start + length;
        boolean last = !f.moreFragments();

        // RFC 815 reasons in holes; with overlaps refused, the fragments held are disjoint intervals sorted by start.
        int i = insertionPoint(p, start);
        if (i < p.fragments && p.starts[i] == start && p.ends[i] == end) {
            counters.increment(IpCounter.ipReasmDuplicates); // exact duplicate: keep the first copy
            return false;
        }
        if ((i > 0 && p.ends[i - 1] > start) || (i < p.fragments && p.starts[i] < end)
                || (last && p.totalData >= 0 && p.totalData != end)
                || (last && end < p.maxEnd)
                || (p.totalData >= 0 && end > p.totalData)) {
            if (!fresh) discard(key, p);
            else counters.increment(IpCounter.ipReasmFails);
            return false;
        }

        long extra = growthBytes(p, end) + (fresh ? OVERHEAD_BYTES : 0);
        if (memoryBytes + extra > memoryCapBytes && !evictOldestFor(extra, p)) {
            counters.increment(IpCounter.ipInDiscards);
            if (!fresh) discard(key, p);
            else counters.increment(IpCounter.ipReasmFails);
            return false;
        }
        if (fresh) {
            pending.put(key, p);
            p.charged = OVERHEAD_BYTES;
            memoryBytes += OVERHEAD_BYTES;
        }
        grow(p, end);
        p.buf.put(DATA + start, f.buffer(), f.payloadOffset(), length);
        insert(p, i, start, end);
        p.receivedBytes += length;
        p.maxEnd = Math.max(p.maxEnd, end);
        if (last) p.totalData = end;
        if (start == 0) {
            // Kept for a Time Exceeded that quotes the first fragment; its first 8 data bytes follow it already.
            p.buf.put(DATA - hl, f.buffer(), f.offset(), hl);
            p.firstHeaderLength = hl;
        }
        if (p.totalData < 0 || p.receivedBytes != p.totalData) return false;

        // Whole: disjoint fragments whose lengths add up to the end cover [0, end) exactly.
        pending.remove(key);
        memoryBytes -= p.charged;
        // RFC 791 §3.1: a datagram is at most 65535 bytes, header included; the first fragment's options may push
        // one past that (each fragment was checked against its own header only). Linux drops it too.
        if (p.firstHeaderLength + p.totalData > Ipv4Packet.MAX_TOTAL_LENGTH) {
            counters.increment(IpCounter.ipReasmFails);
            return false;
        }
        counters.increment(IpCounter.ipReasmOKs);
        ByteBuffer b = p.buf;
        int first = DATA - p.firstHeaderLength;
        int tos = Byte.toUnsignedInt(b.get(first + 1));
        int ident = Short.toUnsignedInt(b.getShort(first + 4));
        int ttl = Byte.toUnsignedInt(b.get(first + 8));
        int protocol = Byte.toUnsignedInt(b.get(first + 9));
        int src = b.getInt(first + 12);
        int dst = b.getInt(first + 16);
        // The reassembled header is the first fragment's, options included (RFC 791 §3.2: only the first
        // fragment carries every option; RFC 1122 §3.2.1.8: options MUST be passed to the transport or to ICMP),
        // so an echo reply can reflect them (§3.2.2.6) and an error quotes them.
        int at = first;
        Ipv4Packet.emit(b, at, tos, p.firstHeaderLength + p.totalData, ident, 0, ttl, protocol, src, dst);
        Ipv4Layer.setHeaderLength(b, at, p.firstHeaderLength);
        b.limit(DATA + p.totalData);
        out.wrap(b, at);
        return true;
    }

    private static int insertionPoint(Partial p, int start) {
        int lo = 0, hi = p.fragments;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (p.starts[mid] < start) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private static void insert(Partial p, int i, int start, int end) {
        if (p.fragments == p.starts.length) {
            p.starts = Arrays.copyOf(p.starts, p.fragments * 2);
            p.ends = Arrays.copyOf(p.ends, p.fragments * 2);
        }
        System.arraycopy(p.starts, i, p.starts, i + 1, p.fragments - i);
        System.arraycopy(p.ends, i, p.ends, i + 1, p.fragments - i);
        p.starts[i] = start;
        p.ends[i] = end;
        p.fragments++;
    }

    private static int capacityFor(Partial p, int end) {
        int have = p.buf == null ? 0 : p.buf.capacity();
        int need = DATA + end;
        if (need <= have) return have;
        int max = DATA + Ipv4Packet.MAX_TOTAL_LENGTH - Ipv4Packet.MIN_HEADER_LENGTH;
        return Math.min(max, Math.max(need, have * 2));
    }

    /** Bytes the buffers of {@code p} grow by to take data up to {@code end} and one more fragment entry. */
    private static long growthBytes(Partial p, int end) {
        int have = p.buf == null ? 0 : p.buf.capacity();
        long fragmentTable = p.fragments == p.starts.length ? 8L * p.fragments : 0;
        return (capacityFor(p, end) - have) + fragmentTable + (p.buf == null ? 8L * INITIAL_FRAGMENTS : 0);
    }

    private void grow(Partial p, int end) {
        long extra = growthBytes(p, end);
        int cap = capacityFor(p, end);
        if (p.buf == null || cap > p.buf.capacity()) {
            ByteBuffer b = ByteBuffer.allocate(cap);
            if (p.buf != null) b.put(0, p.buf, 0, p.buf.capacity());
            p.buf = b;
        }
        p.charged += extra;
        memoryBytes += extra;
    }

    /**
     * Makes room for {@code extra} more bytes by discarding the oldest partial datagrams other than {@code keep}
     * (no ICMP: they did not time out). Returns false if even that is not enough.
     */
    private boolean evictOldestFor(long extra, Partial keep) {
        if (keep.charged + extra > memoryCapBytes) return false;
        Iterator<Partial> it = pending.values().iterator();
        while (memoryBytes + extra > memoryCapBytes && it.hasNext()) {
            Partial victim = it.next();
            if (victim == keep) continue;
            it.remove();
            memoryBytes -= victim.charged;
            counters.increment(IpCounter.ipReasmFails);
        }
        return memoryBytes + extra <= memoryCapBytes;
    }

    private void discard(long key, Partial p) {
        pending.remove(key);
        memoryBytes -= p.charged;
        counters.increment(IpCounter.ipReasmFails);
    }

    /** The earliest reassembly deadline, or {@link Clock#NEVER}. */
    long pollAt() {
        Iterator<Partial> it = pending.values().iterator();
        return it.hasNext() ? it.next().deadline : Clock.NEVER;
    }

    /** Discards every partial datagram whose time is up; Time Exceeded for those whose first fragment came. */
    void onTimer(long now, IcmpErrorSink icmp) {
        Iterator<Map.Entry<Long, Partial>> it = pending.entrySet().iterator();
        while (it.hasNext()) {
            Partial p = it.next().getValue();
            if (p.deadline > now) break;
            it.remove();
            memoryBytes -= p.charged;
            counters.increment(IpCounter.ipReasmFails);
            if (p.firstHeaderLength > 0) {
                // RFC 1122 §3.2.1.4 / RFC 792: Time Exceeded, code 1 "fragment reassembly time exceeded", only
                // when fragment zero is available; it quotes that fragment's header and first 8 data bytes.
                p.buf.clear();
                icmp.timeExceeded(1, p.buf, DATA - p.firstHeaderLength, now);
            }
        }
    }

    /** Drops every partial datagram (when the host stops). */
    void clear() {
        pending.clear();
        memoryBytes = 0;
    }
}
