package io.jstack.udp;

/** UDP counters: RFC 4113 names, plus Linux's finer reasons for udpInErrors. */
public enum UdpCounter {
    /** Datagrams delivered to a bound port. */
    udpInDatagrams,
    /** Datagrams for a port nobody has bound (RFC 4113). */
    udpNoPorts,
    /** Datagrams not delivered for any other reason: bad length, bad checksum, full receive queue (RFC 4113). */
    udpInErrors,
    udpOutDatagrams,
    /** Datagrams dropped because the receiver's queue was full (Linux RcvbufErrors); also in udpInErrors. */
    udpRcvbufErrors,
    /** Datagrams with a wrong checksum (Linux InCsumErrors); also in udpInErrors. */
    udpInCsumErrors,
    /** ICMP errors about datagrams we sent that were passed to the port that sent them. */
    udpInIcmpErrors
}
