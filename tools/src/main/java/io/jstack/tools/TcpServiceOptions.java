package io.jstack.tools;

/**
 * The TCP services the virtual host runs, each on by default and switched off with its {@code --no-...} option.
 *
 * @param echo    TCP echo on port 7 (RFC 862)
 * @param discard discard on port 9 (RFC 863)
 * @param chargen character generator on port 19 (RFC 864)
 */
public record TcpServiceOptions(boolean echo, boolean discard, boolean chargen) {
    /** All three on. */
    public static TcpServiceOptions defaults() {
        return new TcpServiceOptions(true, true, true);
    }

    /** None: the host still runs TCP (and answers closed ports with RST), but listens nowhere. */
    public static TcpServiceOptions none() {
        return new TcpServiceOptions(false, false, false);
    }
}
