package io.jstack.wire;

/** IP protocol numbers this host knows (IANA "Assigned Internet Protocol Numbers"). */
public enum IpProtocol {
    ICMP(1),
    TCP(6),
    UDP(17);

    private final int code;

    IpProtocol(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The protocol for a number, or {@code null} for one this host does not implement. */
    public static IpProtocol of(int code) {
        return switch (code) {
            case 1 -> ICMP;
            case 6 -> TCP;
            case 17 -> UDP;
            default -> null;
        };
    }
}
