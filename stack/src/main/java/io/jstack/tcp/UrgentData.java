package io.jstack.tcp;

import io.jstack.wire.Seq;

/**
 * Urgent data, both ways (RFC 9293 §3.8.5, RFC 1122 §4.2.2.4, RFC 6093). The urgent pointer names the first
 * octet after the urgent data (RFC 9293 MUST-62, the reading RFC 6093 settled on), as Linux sends it. Received
 * urgent data stays inline in the stream (RFC 6093 §6 advises applications to take it inline); the mark, the
 * last urgent octet, is what the application can ask about, and a read stops in front of it, as Linux's does
 * with SO_OOBINLINE.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc9293#section-3.8.5 RFC 9293 §3.8.5
 * @spec https://www.rfc-editor.org/rfc/rfc6093 RFC 6093
 */
final class UrgentData {
    /** The largest urgent pointer the 16-bit field can carry. */
    static final int MAX_POINTER = 0xFFFF;

    /** SND.UP: the first octet after the urgent data sent, valid while {@code sending}. */
    int sndUp;
    boolean sending;
    /** The last urgent octet received (the mark), valid while {@code receiving}. */
    int rcvMark;
    boolean receiving;

    // ---------------------------------------------------------------- sending

    /** The application sent urgent data up to {@code end} (exclusive): RFC 9293 §3.10.2 sets SND.UP. */
    void markSent(int end) {
        sndUp = end;
        sending = true;
    }

    /**
     * The urgent pointer for a segment starting at {@code seq}, or -1 for none. RFC 9293 §3.8.5: the URG bit is
     * set on every segment sent while SND.UP is ahead of its sequence number. A distance the 16-bit field cannot
     * hold is sent as the largest it can: the RFCs say nothing of it, and Linux does the same.
     */
    int pointerFor(int seq) {
        if (!sending || !Seq.lt(seq, sndUp)) return -1;
        return Math.min(MAX_POINTER, sndUp - seq);
    }

    /** SND.UNA moved to {@code sndUna}: once the urgent data is all acknowledged, urgent mode ends. */
    void onAcknowledged(int sndUna) {
        if (sending && Seq.geq(sndUna, sndUp)) sending = false;
    }

    // ---------------------------------------------------------------- receiving

    /**
     * RFC 9293 §3.10.7.4, sixth step: a segment at {@code seq} with URG and {@code pointer} moves RCV.UP to
     * max(RCV.UP, SEG.UP), before its text is taken ({@code rcvNxt}: RCV.NXT then). A pointer of 0 names no
     * urgent octet; a mark already in the stream, or behind the one held, is stale and ignored, as in Linux.
     */
    void onUrgentPointer(int seq, int pointer, int rcvNxt) {
        if (pointer == 0) return;
        int mark = seq + pointer - 1;
        if (Seq.lt(mark, rcvNxt)) return;
        if (receiving && !Seq.gt(mark, rcvMark)) return;
        rcvMark = mark;
        receiving = true;
    }

    /** MUST-32: urgent data has arrived and the application has not yet read past it. */
    boolean pending(int rcvNxt) {
        return receiving && Seq.lt(rcvMark, rcvNxt);
    }

    /** MUST-33: the next octet to read ({@code readSeq}) is the mark, the last urgent octet. */
    boolean atMark(int readSeq) {
        return receiving && rcvMark == readSeq;
    }

    /** How much of {@code len} a read from {@code readSeq} may take: it stops in front of the mark. */
    int readLimit(int readSeq, int len) {
        if (!receiving || !Seq.lt(readSeq, rcvMark)) return len;
        return Math.min(len, rcvMark - readSeq);
    }

    /** The application read up to {@code readSeq}: past the mark, the urgent data is consumed. */
    void onRead(int readSeq) {
        if (receiving && Seq.gt(readSeq, rcvMark)) receiving = false;
    }
}
