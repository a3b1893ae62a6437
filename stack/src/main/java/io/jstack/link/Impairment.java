package io.jstack.link;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What an {@link ImpairedLink} does to packets, in each direction: percentages of packets lost, duplicated,
 * reordered (held back behind later ones) and corrupted (one bit flipped), and a delay with uniform jitter.
 * Written as text like {@code loss=2%,dup=1%,reorder=2%,corrupt=1%,delay=10ms,jitter=2ms}, any subset.
 */
public record Impairment(double lossPercent, double dupPercent, double reorderPercent, double corruptPercent,
                         Duration delay, Duration jitter) {
    public static final Impairment NONE = new Impairment(0, 0, 0, 0, Duration.ZERO, Duration.ZERO);

    public Impairment {
        check("loss", lossPercent);
        check("dup", dupPercent);
        check("reorder", reorderPercent);
        check("corrupt", corruptPercent);
        if (delay.isNegative()) throw new IllegalArgumentException("delay must not be negative: " + delay);
        if (jitter.isNegative()) throw new IllegalArgumentException("jitter must not be negative: " + jitter);
    }

    private static void check(String name, double percent) {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException(name + " must be between 0% and 100%, not " + percent + "%");
        }
    }

    public boolean isNone() {
        return equals(NONE);
    }

    /**
     * Parses {@code key=value} pairs separated by commas: loss, dup, reorder and corrupt take a percentage
     * ({@code 2%}, {@code 0.5%}); delay and jitter take a duration in ms or s ({@code 10ms}). An empty text
     * or {@code none} means no impairment.
     *
     * @throws IllegalArgumentException with a message naming the offending part
     */
    public static Impairment parse(String text) {
        String t = text.strip();
        if (t.isEmpty() || t.equalsIgnoreCase("none")) return NONE;
        double loss = 0, dup = 0, reorder = 0, corrupt = 0;
        Duration delay = Duration.ZERO, jitter = Duration.ZERO;
        Set<String> seen = new HashSet<>();
        for (String part : t.split(",", -1)) {
            String p = part.strip();
            int eq = p.indexOf('=');
            if (eq <= 0 || eq == p.length() - 1) {
                throw new IllegalArgumentException("expected key=value in impairment, got '" + p + "'");
            }
            String key = p.substring(0, eq).strip().toLowerCase(java.util.Locale.ROOT);
            String value = p.substring(eq + 1).strip();
            if (!seen.add(key)) throw new IllegalArgumentException("'" + key + "' given twice in impairment");
            switch (key) {
                case "loss" -> loss = percent(key, value);
                case "dup" -> dup = percent(key, value);
                case "reorder" -> reorder = percent(key, value);
                case "corrupt" -> corrupt = percent(key, value);
                case "delay" -> delay = duration(key, value);
                case "jitter" -> jitter = duration(key, value);
                default -> throw new IllegalArgumentException("unknown impairment '" + key
                        + "' (known: loss, dup, reorder, corrupt, delay, jitter)");
            }
        }
        return new Impairment(loss, dup, reorder, corrupt, delay, jitter);
    }

    private static double percent(String key, String value) {
        if (!value.endsWith("%")) throw new IllegalArgumentException(key + " needs a percentage like 2%, got '" + value + "'");
        double d;
        try {
            d = Double.parseDouble(value.substring(0, value.length() - 1).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is not a number: '" + value + "'");
        }
        if (!(d >= 0 && d <= 100)) throw new IllegalArgumentException(key + " must be between 0% and 100%, got '" + value + "'");
        return d;
    }

    private static Duration duration(String key, String value) {
        String number;
        long scale;
        if (value.endsWith("ms")) {
            number = value.substring(0, value.length() - 2);
            scale = 1_000_000L;
        } else if (value.endsWith("s")) {
            number = value.substring(0, value.length() - 1);
            scale = 1_000_000_000L;
        } else {
            throw new IllegalArgumentException(key + " needs a unit, ms or s, like 10ms; got '" + value + "'");
        }
        double d;
        try {
            d = Double.parseDouble(number.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is not a number: '" + value + "'");
        }
        if (!(d >= 0) || d > 3600) throw new IllegalArgumentException(key + " must be between 0 and 1 hour, got '" + value + "'");
        return Duration.ofNanos(Math.round(d * scale));
    }

    @Override
    public String toString() {
        if (isNone()) return "none";
        List<String> parts = new ArrayList<>();
        if (lossPercent > 0) parts.add("loss=" + fmt(lossPercent) + "%");
        if (dupPercent > 0) parts.add("dup=" + fmt(dupPercent) + "%");
        if (reorderPercent > 0) parts.add("reorder=" + fmt(reorderPercent) + "%");
        if (corruptPercent > 0) parts.add("corrupt=" + fmt(corruptPercent) + "%");
        if (!delay.isZero()) parts.add("delay=" + fmt(delay.toNanos() / 1e6) + "ms");
        if (!jitter.isZero()) parts.add("jitter=" + fmt(jitter.toNanos() / 1e6) + "ms");
        return String.join(",", parts);
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
