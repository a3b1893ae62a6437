package io.jstack.tools;

/**
 * The TCP services the virtual host runs, each on by default: echo on port 7 (RFC 862), discard on 9
 * (RFC 863), chargen on 19 (RFC 864).
 */
public record TcpServiceOptions(boolean echo, boolean discard, boolean chargen) {
    public static TcpServiceOptions defaults() {
        return new TcpServiceOptions(true, true, true);
    }
}
