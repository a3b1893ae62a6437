package io.jstack.tcp;

import io.jstack.wire.Seq;
import java.nio.ByteBuffer;

/**
 * The receive sequence variables of RFC 9293 §3.3.1 and the receive buffer. In-order data waits for the
 * application; out-of-order data is written straight to its place beyond it, with a bounded list of the
 * ranges held, and joins the in-order data when the gap fills. The window is the buffer's free space, so
 * out-of-order data can never need more memory than the window the peer was offered.
 *
 * <pre>
 *     1          2          3
 * ----------|----------|----------
 *        RCV.NXT    RCV.NXT
 *                  +RCV.WND
 * </pre>
 *
 * @spec https://www.rfc-editor.org/rfc/rfc9293#section-3.3.1 RFC 9293 §3.3.1
 */
final class ReceiveSpace {
    /** Ranges of out-of-order data held at most; a segment that would need more is dropped. */
    static final int MAX_RANGES = 32;

    enum Arrival { IN_ORDER, FILLED_GAP, OUT_OF_ORDER, DROPPED }

    int irs;
    int rcvNxt;
    /** Right edge last advertised (RCV.NXT + RCV.WND when it was sent). */
    int rcvAdv;
    /** The window, in bytes, offered when the right edge last moved (RCV.ADV - RCV.NXT at that time). */
    int advertisedWindow;
    /** Shift we apply to advertised windows (RFC 7323 §2.3); 0 without scaling. */
    int rcvWndShift;
    /** Sequence number of a FIN that arrived ahead of missing data, valid when {@code finPending}. */
    int finSeq;
    boolean finPending;

    private final ByteRing ring;
    private static final int[] NO_RANGES = new int[0];
    /** Out-of-order ranges, allocated with the first one and dropped when the buffer empties (idle connections hold none). */
    private int[] starts = NO_RANGES, ends = NO_RANGES;
    private int ranges;

    ReceiveSpace(int bufferBytes) {
        this(bufferBytes, RingPool.NONE);
    }

    ReceiveSpace(int bufferBytes, RingPool pool) {
        this.ring = new ByteRing(bufferBytes, pool);
    }

    void init(int irs) {
        this.irs = irs;
        rcvNxt = irs + 1;
        rcvAdv = rcvNxt;
    }

    /** Bytes of buffer array held now (0 when empty: the array is back in the pool). */
    int capacity() {
        return ring.capacity();
    }

    int bufferMax() {
        return ring.max();
    }

    /** Bytes waiting for the application. */
    int readable() {
        return ring.size();
    }

    /** RCV.WND: free buffer space from RCV.NXT. */
    int window() {
        return ring.free();
    }

    int outOfOrderRanges() {
        return ranges;
    }

    /** Index of the held out-of-order range containing {@code seq}, or -1. */
    int rangeContaining(int seq) {
        for (int i = 0; i < ranges; i++) {
            if (Seq.leq(starts[i], seq) && Seq.lt(seq, ends[i])) return i;
        }
        return -1;
    }

    int rangeStart(int i) {
        return starts[i];
    }

    int rangeEnd(int i) {
        return ends[i];
    }

    /** Bytes held out of order. */
    int outOfOrderBytes() {
        int n = 0;
        for (int i = 0; i < ranges; i++) n += ends[i] - starts[i];
        return n;
    }

    /**
     * Takes {@code len} bytes (already trimmed to the window) with sequence number {@code seq} from {@code src}
     * at an absolute index.
     */
    Arrival accept(int seq, ByteBuffer src, int index, int len) {
        int rel = seq - rcvNxt;
        if (rel > 0) return acceptOutOfOrder(seq, src, index, len);
        if (!ring.writeAt(0, src, index, len)) return Arrival.DROPPED;
        ring.extend(len);
        rcvNxt += len;
        boolean filled = false;
        // Join every held range the new data reaches.
        while (ranges > 0 && Seq.leq(starts[0], rcvNxt)) {
            if (Seq.gt(ends[0], rcvNxt)) {
                ring.extend(ends[0] - rcvNxt);
                rcvNxt = ends[0];
            }
            removeRange(0);
            filled = true;
        }
        return filled ? Arrival.FILLED_GAP : Arrival.IN_ORDER;
    }

    private Arrival acceptOutOfOrder(int seq, ByteBuffer src, int index, int len) {
        int end = seq + len;
        // Find where the range goes and whether it merges with neighbours.
        int i = 0;
        while (i < ranges && Seq.lt(ends[i], seq)) i++;
        boolean merges = i < ranges && Seq.leq(starts[i], end);
        if (!merges && ranges == MAX_RANGES) return Arrival.DROPPED;
        if (!ring.writeAt(seq - rcvNxt, src, index, len)) return Arrival.DROPPED;
        if (!merges) {
            if (starts.length == 0) {
                starts = new int[MAX_RANGES];
                ends = new int[MAX_RANGES];
            }
            System.arraycopy(starts, i, starts, i + 1, ranges - i);
            System.arraycopy(ends, i, ends, i + 1, ranges - i);
            starts[i] = seq;
            ends[i] = end;
            ranges++;
            return Arrival.OUT_OF_ORDER;
        }
        starts[i] = Seq.min(starts[i], seq);
        ends[i] = Seq.max(ends[i], end);
        while (i + 1 < ranges && Seq.leq(starts[i + 1], ends[i])) {
            ends[i] = Seq.max(ends[i], ends[i + 1]);
            removeRange(i + 1);
        }
        return Arrival.OUT_OF_ORDER;
    }

    private void removeRange(int i) {
        System.arraycopy(starts, i + 1, starts, i, ranges - i - 1);
        System.arraycopy(ends, i + 1, ends, i, ranges - i - 1);
        ranges--;
    }

    /** Moves up to {@code len} in-order bytes to the application. */
    int read(byte[] dst, int off, int len) {
        int n = ring.read(dst, off, len);
        if (ring.size() == 0 && ranges == 0) release();
        return n;
    }

    /** Discards in-order data nobody will read (the application closed). */
    void discard() {
        ring.skip(ring.size());
        if (ranges == 0) release();
    }

    /** Nothing held, in order or not: the ring's array goes back to the pool and the range lists go too. */
    private void release() {
        ring.trim();
        starts = ends = NO_RANGES;
    }

    /** Whether the out-of-order range lists are allocated (they are only while some range is or was recently held). */
    boolean holdsRangeLists() {
        return starts.length > 0;
    }

    /**
     * The window to advertise, in bytes, with receiver-side silly window avoidance (RFC 1122 §4.2.3.3): the
     * right edge moves only when it can move by min(buffer / 2, MSS), and never moves left (RFC 9293 §3.8.6).
     */
    int advertise(int mss) {
        int offered = Math.max(0, rcvAdv - rcvNxt);
        if (windowGrowth(mss) > 0) offered = advertisable();
        int field = Math.min(65535, offered >>> rcvWndShift);
        int actual = field << rcvWndShift;
        if (Seq.gt(rcvNxt + actual, rcvAdv)) {
            rcvAdv = rcvNxt + actual;
            advertisedWindow = actual;
        }
        return field;
    }

    /**
     * How far the right edge would move if a window were advertised now, or 0 if SWS avoidance holds it: RFC 9293
     * §3.8.6.2.2 (MUST-39) updates the window only when it grows by at least min(RCV.BUFF / 2, Eff.snd.MSS).
     * The growth is what the window field can show: free space the 16-bit field (scaled) cannot express would
     * not move the edge, and a window update that changes nothing is not sent.
     */
    int windowGrowth(int mss) {
        int growth = advertisable() - Math.max(0, rcvAdv - rcvNxt);
        return growth >= Math.min(bufferMax() / 2, mss) ? growth : 0;
    }

    /**
     * Whether a window update is worth a segment of its own: the peer has used at least half the window it was
     * offered when the right edge last moved, so it may run short (as Linux's tcp_cleanup_rbuf judges it). Otherwise the larger window can wait
     * for the next segment or the delayed ACK: a sender with data to send gets ACKs, which carry it, anyway.
     */
    boolean windowRunningShort() {
        return 2L * Math.max(0, rcvAdv - rcvNxt) <= advertisedWindow;
    }

    /** The largest window the field can carry now: the free space, capped by the field, in whole scale units. */
    private int advertisable() {
        int capped = (int) Math.min(window(), 65535L << rcvWndShift);
        return (capped >>> rcvWndShift) << rcvWndShift;
    }
}
