package io.jstack.tcp;

import io.jstack.wire.Seq;

/**
 * The SACK blocks a data receiver reports (RFC 2018 §4): the contiguous runs of out-of-order data it holds,
 * the run with the most recently received segment first, then the most recently reported others. Fixed arrays:
 * nothing is allocated per segment.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc2018#section-4 RFC 2018 §4
 */
final class SackBlocks {
    /** Negotiated: the peer's SYN carried SACK-permitted and so did ours (§2). */
    boolean on;
    private final int[] starts = new int[TcpOptions.MAX_SACK_BLOCKS];
    private final int[] ends = new int[TcpOptions.MAX_SACK_BLOCKS];
    private int count;
    /** A duplicate range to report once, ahead of the other blocks (RFC 2883 D-SACK). */
    private boolean dsackPending;
    private int dsackStart, dsackEnd;

    /** Blocks the next ACK can report: the D-SACK block, if any, and the out-of-order runs. */
    int count() {
        return count + (dsackPending ? 1 : 0);
    }

    int start(int i) {
        return dsackPending ? (i == 0 ? dsackStart : starts[i - 1]) : starts[i];
    }

    int end(int i) {
        return dsackPending ? (i == 0 ? dsackEnd : ends[i - 1]) : ends[i];
    }

    /**
     * RFC 2883 §4: data below RCV.NXT arrived again: the next ACK reports [start, end) as the first SACK block
     * (a D-SACK), so the sender can tell an unnecessary retransmission. Reported once.
     */
    void onDuplicate(int start, int end) {
        if (!Seq.lt(start, end)) return;
        dsackPending = true;
        dsackStart = start;
        dsackEnd = end;
    }

    /** The blocks went out on an ACK: a D-SACK is reported only once (RFC 2883 §4). */
    void reported() {
        dsackPending = false;
    }

    /**
     * Out-of-order data arrived at {@code seq}: RFC 2018 §4: the first block MUST be the run containing it; the
     * rest SHOULD repeat the most recently reported blocks that are not part of it.
     */
    void onOutOfOrder(ReceiveSpace rcv, int seq) {
        int r = rcv.rangeContaining(seq);
        if (r < 0) return;
        int s = rcv.rangeStart(r), e = rcv.rangeEnd(r);
        // Keep the older entries that lie outside the new run (one that touches it was merged into it), in
        // their order, then shift them down by one to make room at the front.
        int keep = 0;
        for (int i = 0; i < count; i++) {
            boolean outside = Seq.lt(ends[i], s) || Seq.gt(starts[i], e);
            if (outside) {
                starts[keep] = starts[i];
                ends[keep] = ends[i];
                keep++;
            }
        }
        keep = Math.min(keep, TcpOptions.MAX_SACK_BLOCKS - 1);
        System.arraycopy(starts, 0, starts, 1, keep);
        System.arraycopy(ends, 0, ends, 1, keep);
        starts[0] = s;
        ends[0] = e;
        count = keep + 1;
    }

    /** In-order data reached {@code rcvNxt}: blocks it covers are no longer out of order. */
    void prune(int rcvNxt) {
        int keep = 0;
        for (int i = 0; i < count; i++) {
            if (Seq.gt(starts[i], rcvNxt)) {
                starts[keep] = starts[i];
                ends[keep] = ends[i];
                keep++;
            }
        }
        count = keep;
    }

    void clear() {
        count = 0;
    }
}
