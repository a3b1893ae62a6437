package io.jstack.tcp;

import io.jstack.wire.Seq;

/**
 * The data sender's SACK scoreboard (RFC 6675 §3-4): which bytes between SND.UNA and the highest sequence
 * sent the receiver has reported holding (RFC 2018 §5), and HighRxt, the end of the last hole retransmitted.
 * Used during loss recovery to repair every lost hole instead of one per round trip, and never to resend what
 * the receiver already holds. Fixed arrays, no allocation per ACK.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc6675#section-4 RFC 6675 §4
 */
final class SendScoreboard {
    /** RFC 6675 §2: DupThresh, the duplicate ACKs (or SACKed segments) that signal a loss. */
    static final int DUP_THRESH = 3;
    private static final int MAX_RANGES = 32;
    private final int[] starts = new int[MAX_RANGES];
    private final int[] ends = new int[MAX_RANGES];
    private int ranges;
    /** HighRxt: the sequence number after the last byte retransmitted in this recovery. */
    int highRxt;

    int ranges() {
        return ranges;
    }

    /**
     * Records the SACK blocks of an ACK (RFC 2018 §5): only blocks within (SND.UNA, SND.MAX] mean anything;
     * others (old, or D-SACK reports) are ignored. Returns whether any byte was newly SACKed, which makes the
     * ACK a duplicate ACK in RFC 6675's sense (§2, definition of DupAck).
     */
    boolean update(TcpOptions o, int sndUna, int sndMax) {
        prune(sndUna);
        boolean grew = false;
        for (int k = 0; k < o.sackBlocks; k++) {
            int s = o.sackStart[k], e = o.sackEnd[k];
            if (!Seq.lt(s, e) || !Seq.lt(sndUna, s) || Seq.gt(e, sndMax)) continue;
            grew |= add(s, e);
        }
        return grew;
    }

    private boolean add(int s, int e) {
        int i = 0;
        while (i < ranges && Seq.lt(ends[i], s)) i++;
        if (i < ranges && Seq.leq(starts[i], e)) {
            // Overlaps or touches range i: widen it, then swallow the ranges it now reaches.
            boolean grew = Seq.lt(s, starts[i]) || Seq.gt(e, ends[i]);
            starts[i] = Seq.min(starts[i], s);
            ends[i] = Seq.max(ends[i], e);
            while (i + 1 < ranges && Seq.leq(starts[i + 1], ends[i])) {
                ends[i] = Seq.max(ends[i], ends[i + 1]);
                remove(i + 1);
            }
            return grew;
        }
        if (ranges == MAX_RANGES) return false; // bounded: a report past the limit is not recorded
        System.arraycopy(starts, i, starts, i + 1, ranges - i);
        System.arraycopy(ends, i, ends, i + 1, ranges - i);
        starts[i] = s;
        ends[i] = e;
        ranges++;
        return true;
    }

    private void remove(int i) {
        System.arraycopy(starts, i + 1, starts, i, ranges - i - 1);
        System.arraycopy(ends, i + 1, ends, i, ranges - i - 1);
        ranges--;
    }

    /** The cumulative ACK moved to {@code sndUna}: SACKed bytes below it are simply acknowledged now. */
    void prune(int sndUna) {
        while (ranges > 0 && Seq.leq(ends[0], sndUna)) remove(0);
        if (ranges > 0 && Seq.lt(starts[0], sndUna)) starts[0] = sndUna;
    }

    /** RFC 2018 §8: after a retransmission timeout the SACKed state is forgotten (the receiver may renege). */
    void clear() {
        ranges = 0;
    }

    /** Whether {@code seq} has been SACKed. */
    boolean isSacked(int seq) {
        for (int i = 0; i < ranges; i++) {
            if (Seq.leq(starts[i], seq) && Seq.lt(seq, ends[i])) return true;
        }
        return false;
    }

    /**
     * IsLost (RFC 6675 §4): a byte is deemed lost once DupThresh discontiguous SACKed runs, or more than
     * (DupThresh - 1) * SMSS SACKed bytes, lie above it.
     */
    boolean isLost(int seq, int smss) {
        int runs = 0;
        long bytes = 0;
        for (int i = ranges - 1; i >= 0 && Seq.gt(ends[i], seq); i--) {
            runs++;
            bytes += ends[i] - Seq.max(starts[i], seq + 1);
        }
        return runs >= DUP_THRESH || bytes > (long) (DUP_THRESH - 1) * smss;
    }

    /** The hole {@link #findLostHole} found. */
    int hole;

    /**
     * NextSeg rule (1) of RFC 6675 §4: finds the first byte at or above {@code from} (and above HighRxt) below
     * {@code limit} that is not SACKed and is deemed lost, into {@link #hole}; false if there is none.
     */
    boolean findLostHole(int from, int limit, int smss) {
        int seq = Seq.max(from, highRxt);
        for (int i = 0; i < ranges && Seq.lt(seq, limit); i++) {
            if (Seq.leq(ends[i], seq)) continue;
            if (Seq.lt(seq, starts[i])) {
                hole = seq;
                return isLost(seq, smss);
            }
            seq = ends[i]; // inside a SACKed run: skip it
        }
        return false; // above the highest SACKed byte nothing is deemed lost
    }

    /** Where the hole at {@code seq} ends: the next SACKed byte, or {@code limit}. */
    int holeEnd(int seq, int limit) {
        for (int i = 0; i < ranges; i++) {
            if (Seq.gt(starts[i], seq)) return Seq.min(starts[i], limit);
        }
        return limit;
    }
}
