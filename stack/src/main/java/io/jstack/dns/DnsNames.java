package io.jstack.dns;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/** Conversions between dotted text names and lower-case wire form (RFC 1035 §3.1), for configuration and tests. */
public final class DnsNames {
    private DnsNames() {}

    /**
     * The wire form of a dotted name ("jstack.test" or "jstack.test."), lower-cased. Throws
     * IllegalArgumentException for empty labels, labels above 63 octets or names above 255.
     */
    public static byte[] toWire(String text) {
        String t = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!t.isEmpty()) {
            for (String label : t.toLowerCase(Locale.ROOT).split("\\.", -1)) {
                byte[] b = label.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                if (b.length == 0) throw new IllegalArgumentException("empty label in name '" + text + "'");
                if (b.length > DnsNameReader.MAX_LABEL) {
                    throw new IllegalArgumentException("label longer than 63 octets in name '" + text + "'");
                }
                out.write(b.length);
                out.writeBytes(b);
            }
        }
        out.write(0);
        if (out.size() > DnsNameReader.MAX_NAME) throw new IllegalArgumentException("name longer than 255 octets: '" + text + "'");
        return out.toByteArray();
    }

    /** The wire-form name without its first label; the root has no parent and gives the root. */
    public static byte[] parent(byte[] wire) {
        if (wire.length <= 1) return wire;
        return java.util.Arrays.copyOfRange(wire, 1 + wire[0], wire.length);
    }

    /** Dotted text of a wire-form name ("." for the root). */
    public static String toText(byte[] wire, int length) {
        if (length <= 1) return ".";
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < length && wire[i] != 0) {
            if (sb.length() > 0) sb.append('.');
            int n = wire[i];
            for (int k = 1; k <= n; k++) {
                char c = (char) (wire[i + k] & 0xff);
                sb.append(c > 32 && c < 127 && c != '.' && c != '\\' ? String.valueOf(c) : String.format("\\%03d", (int) c));
            }
            i += 1 + n;
        }
        return sb.toString();
    }
}
