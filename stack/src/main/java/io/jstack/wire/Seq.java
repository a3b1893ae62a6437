package io.jstack.wire;

/**
 * Sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4). Sequence numbers are {@code int}s and are compared
 * only through these methods, never with a bare {@code <}: the space wraps.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc9293#section-3.4 RFC 9293 §3.4
 */
public final class Seq {
    private Seq() {}

    public static boolean lt(int a, int b) {
        return a - b < 0;
    }

    public static boolean leq(int a, int b) {
        return a - b <= 0;
    }

    public static boolean gt(int a, int b) {
        return a - b > 0;
    }

    public static boolean geq(int a, int b) {
        return a - b >= 0;
    }

    /** {@code start <= x < start + length}, modulo 2^32; false when {@code length} is 0. */
    public static boolean inWindow(int x, int start, int length) {
        return Integer.compareUnsigned(x - start, length) < 0;
    }

    /** {@code low <= x <= high}, modulo 2^32. */
    public static boolean between(int low, int x, int high) {
        return Integer.compareUnsigned(x - low, high - low) <= 0;
    }

    public static int max(int a, int b) {
        return gt(a, b) ? a : b;
    }

    public static int min(int a, int b) {
        return lt(a, b) ? a : b;
    }
}
