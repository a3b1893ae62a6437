package io.jstack.tools.inspect;

/** Number formatting shared by the outputs. */
final class Format {
    private Format() {}

    /** {@code v} with {@code digits} decimals, rounded from its exact binary value as C's printf does. */
    static String fixed(double v, int digits) {
        return new java.math.BigDecimal(v).setScale(digits, java.math.RoundingMode.HALF_EVEN).toPlainString();
    }

    /** {@code nanos} as seconds with {@code digits} decimals, truncated like Wireshark's nstime printing. */
    static String seconds(long nanos, int digits) {
        String sign = nanos < 0 ? "-" : "";
        long a = Math.abs(nanos);
        long sec = a / 1_000_000_000L, frac = a % 1_000_000_000L;
        if (digits <= 0) return sign + sec;
        long div = 1;
        for (int i = digits; i < 9; i++) div *= 10;
        return String.format("%s%d.%0" + digits + "d", sign, sec, frac / div);
    }
}
