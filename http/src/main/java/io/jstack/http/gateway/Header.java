package io.jstack.http.gateway;

import java.util.List;
import java.util.Objects;

/**
 * A response header field (PEP 3333 response_headers item; RFC 9110 §5). The name must be a token and the value
 * must hold no CR, LF or other control character except HTAB: they would let a value inject header lines.
 */
public record Header(String name, String value) {
    public Header {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (!isToken(name)) throw new IllegalArgumentException("header name is not a token: " + name);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            // RFC 9110 §5.5: field-value = *field-content; CR, LF and NUL MUST NOT be accepted.
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff)
                throw new IllegalArgumentException("invalid character in header value of " + name);
        }
    }

    public static Header of(String name, String value) {
        return new Header(name, value);
    }

    public boolean is(String otherName) {
        return name.equalsIgnoreCase(otherName);
    }

    /** The value of the first header called {@code name} (case-insensitive), or null. */
    public static String find(List<Header> headers, String name) {
        for (var h : headers) if (h.is(name)) return h.value();
        return null;
    }

    /** RFC 9110 §5.6.2: token = 1*tchar. */
    public static boolean isToken(CharSequence s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) if (!isTchar(s.charAt(i))) return false;
        return true;
    }

    /** RFC 9110 §5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA. */
    public static boolean isTchar(int c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') return true;
        return switch (c) {
            case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
            default -> false;
        };
    }
}
