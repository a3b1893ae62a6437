package io.jstack.wire;

import java.util.EnumSet;
import java.util.Set;

/** TCP control bits (RFC 9293 §3.1; ECE and CWR from RFC 3168 §6.1). */
public enum TcpFlag {
    FIN(0x01),
    SYN(0x02),
    RST(0x04),
    PSH(0x08),
    ACK(0x10),
    URG(0x20),
    ECE(0x40),
    CWR(0x80);

    private final int bit;

    TcpFlag(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }

    public static Set<TcpFlag> of(int bits) {
        EnumSet<TcpFlag> s = EnumSet.noneOf(TcpFlag.class);
        for (TcpFlag f : values()) if ((bits & f.bit) != 0) s.add(f);
        return s;
    }

    public static int bits(Set<TcpFlag> flags) {
        int b = 0;
        for (TcpFlag f : flags) b |= f.bit;
        return b;
    }
}
