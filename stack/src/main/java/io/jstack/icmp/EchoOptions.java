package io.jstack.icmp;

import io.jstack.stat.CounterSet;
import io.jstack.wire.Ipv4Packet;
import java.nio.ByteBuffer;

/**
 * The IP options an echo reply takes over from its request (RFC 1122 §3.2.2.6): Record Route and Timestamp,
 * updated with this host's address and time, so the recorded route covers the whole round trip. Other options are
 * not reflected. Works on the bytes alone: no allocation, at most 40 option bytes read and written.
 *
 * <pre>
 * Record Route (RFC 791 §3.1):  | 7 | length | pointer | route data (4 bytes per address) ... |
 * Timestamp   (RFC 791 §3.1):   | 68 | length | pointer | overflow:4 flag:4 | [address] timestamp ... |
 * </pre>
 *
 * @spec https://www.rfc-editor.org/rfc/rfc1122#section-3.2.2.6 RFC 1122 §3.2.2.6
 * @spec https://www.rfc-editor.org/rfc/rfc791#section-3.1 RFC 791 §3.1
 */
final class EchoOptions {
    static final int END_OF_LIST = 0, NO_OPERATION = 1, RECORD_ROUTE = 7, TIMESTAMP = 68;
    /** Timestamp flags (RFC 791 §3.1): timestamps only, each preceded by an address, at prespecified addresses. */
    static final int TS_ONLY = 0, TS_AND_ADDRESS = 1, TS_PRESPECIFIED = 3;
    /**
     * RFC 791 §3.1: a time that is not milliseconds since midnight UT MAY be used "provided the high order bit of
     * the timestamp field is set". We have no wall clock (the loop's time is monotonic), so ours carry that bit.
     */
    static final int NON_STANDARD_TIME = 0x8000_0000;

    private EchoOptions() {}

    /**
     * Copies the Record Route and Timestamp options of the request's header ({@code in[ipOff + 20, ipOff +
     * headerLength)}, already checked by {@link Ipv4Packet#check()}) to {@code out[at, ...)}, each updated for this
     * host, and pads them with End of Option List to a multiple of 4. Returns the bytes written (0 to 40). An
     * option that breaks its own rules (pointer below its minimum, unknown timestamp flag, overflow count that
     * overflows) is left out and counted.
     */
    static int reflect(ByteBuffer in, int ipOff, int headerLength, ByteBuffer out, int at, int address, long now,
                       CounterSet<IcmpCounter> counters) {
        int i = ipOff + Ipv4Packet.MIN_HEADER_LENGTH;
        int end = ipOff + headerLength;
        int w = at;
        while (i < end) {
            int type = Byte.toUnsignedInt(in.get(i));
            if (type == END_OF_LIST) break;
            if (type == NO_OPERATION) {
                i++;
                continue;
            }
            int len = Byte.toUnsignedInt(in.get(i + 1)); // check() guarantees 2 <= len and i + len <= end
            if (type == RECORD_ROUTE || type == TIMESTAMP) {
                out.put(w, in, i, len);
                boolean ok = type == RECORD_ROUTE ? recordRoute(out, w, len, address)
                        : timestamp(out, w, len, address, now);
                if (ok) {
                    w += len;
                } else {
                    counters.increment(IcmpCounter.icmpInEchoOptionsMalformed);
                }
            }
            i += len;
        }
        int padded = (w - at + 3) & ~3;
        for (; w < at + padded; w++) out.put(w, (byte) END_OF_LIST);
        return padded;
    }

    /**
     * RFC 791 §3.1 Record Route: with room left (pointer + 3 within the option), our address goes at the pointer
     * and the pointer moves 4 on; a full option is reflected unchanged. The smallest legal pointer is 4.
     */
    private static boolean recordRoute(ByteBuffer o, int at, int len, int address) {
        if (len < 3) return false;
        int ptr = Byte.toUnsignedInt(o.get(at + 2));
        if (ptr < 4) return false;
        if (ptr + 3 <= len) {
            o.putInt(at + ptr - 1, address);
            o.put(at + 2, (byte) (ptr + 4));
        }
        return true;
    }

    /**
     * RFC 791 §3.1 Internet Timestamp: with room left, our timestamp (flag 0), our address and timestamp (flag 1),
     * or our timestamp where the next prespecified address is ours (flag 3) goes at the pointer; without room the
     * overflow count goes up, and "if the overflow count itself overflows" the option is in error. The smallest
     * legal pointer is 5.
     */
    private static boolean timestamp(ByteBuffer o, int at, int len, int address, long now) {
        if (len < 4) return false;
        int ptr = Byte.toUnsignedInt(o.get(at + 2));
        int oflwFlg = Byte.toUnsignedInt(o.get(at + 3));
        int flag = oflwFlg & 0x0f;
        int overflow = oflwFlg >>> 4;
        if (ptr < 5 || (flag != TS_ONLY && flag != TS_AND_ADDRESS && flag != TS_PRESPECIFIED)) return false;
        int entry = flag == TS_ONLY ? 4 : 8;
        if (ptr + entry - 1 > len) {
            if (overflow == 15) return false;
            o.put(at + 3, (byte) ((overflow + 1) << 4 | flag));
            return true;
        }
        int time = (int) ((now / 1_000_000L) & 0x7fff_ffffL) | NON_STANDARD_TIME;
        int slot = at + ptr - 1;
        switch (flag) {
            case TS_ONLY -> o.putInt(slot, time);
            case TS_AND_ADDRESS -> o.putInt(slot, address).putInt(slot + 4, time);
            default -> { // prespecified: only when the next address named is ours
                if (o.getInt(slot) != address) return true;
                o.putInt(slot + 4, time);
            }
        }
        o.put(at + 2, (byte) (ptr + entry));
        return true;
    }
}
