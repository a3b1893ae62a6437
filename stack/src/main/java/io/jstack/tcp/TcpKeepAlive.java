package io.jstack.tcp;

import java.time.Duration;

/**
 * Keep-alive settings of one connection (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6). Keep-alives are off unless the
 * application asks for them (MUST-24/MUST-25).
 *
 * @param idle     how long the connection must have received nothing before the first probe; RFC 1122
 *                 §4.2.3.6: the default MUST be no less than two hours (MUST-28), an application may choose less
 * @param interval time between unanswered probes
 * @param probes   unanswered probes after which the connection is given up as timed out
 * @spec https://www.rfc-editor.org/rfc/rfc9293#section-3.8.4 RFC 9293 §3.8.4
 */
public record TcpKeepAlive(Duration idle, Duration interval, int probes) {
    public TcpKeepAlive {
        if (idle.isNegative() || idle.isZero()) throw new IllegalArgumentException("idle time must be positive");
        if (interval.isNegative() || interval.isZero()) throw new IllegalArgumentException("interval must be positive");
        if (probes < 1) throw new IllegalArgumentException("at least one probe");
    }

    /** Two hours idle (RFC 1122 §4.2.3.6), then 75 s between probes and 9 probes, as Linux. */
    public static TcpKeepAlive defaults() {
        return new TcpKeepAlive(Duration.ofHours(2), Duration.ofSeconds(75), 9);
    }

    /** Probes after {@code idle} of silence and then every {@code idle}, 9 of them, as Linux's TCP_KEEPIDLE/INTVL. */
    public static TcpKeepAlive every(Duration idle) {
        return new TcpKeepAlive(idle, idle, 9);
    }
}
