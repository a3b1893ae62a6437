package io.jstack.tcp;

/**
 * TCP counters with their TCP-MIB names (RFC 4022 §3), plus jstack's own for drops the MIB has no name for.
 * {@code tcpCurrEstab} is a gauge: connections now in ESTABLISHED or CLOSE-WAIT.
 */
public enum TcpCounter {
    tcpActiveOpens,
    tcpPassiveOpens,
    tcpAttemptFails,
    tcpEstabResets,
    tcpCurrEstab,
    tcpInSegs,
    tcpOutSegs,
    tcpRetransSegs,
    tcpInErrs,
    tcpOutRsts,
    /** Segments with a bad checksum (Linux InCsumErrors); also counted in tcpInErrs. */
    tcpInCsumErrors,
    /** SYNs dropped because a listener's backlog was full. */
    tcpListenDrops,
    /** Challenge ACKs sent (RFC 5961) and those suppressed by the rate limit. */
    tcpChallengeAcks,
    tcpChallengeAcksSuppressed,
    /** Segments (or parts) that arrived out of order and were kept, and those dropped for lack of memory. */
    tcpOfoQueued,
    tcpOfoDropped,
    /** Fast retransmissions (RFC 5681 §3.2) and retransmission timeouts (RFC 6298 §5.5). */
    tcpFastRetrans,
    tcpTimeouts,
    /** Zero-window probes sent (RFC 9293 §3.8.6.1). */
    tcpWindowProbes,
    /** Active OPENs refused because the remote address is not unicast (RFC 1122 §4.2.3.10). */
    tcpOpenRejected,
    /** TIME-WAIT connections ended early by a new SYN that opened a new incarnation (RFC 9293 MAY-2). */
    tcpTimeWaitReopened,
    /** Keep-alive probes sent, and connections given up after unanswered probes (RFC 9293 §3.8.4). */
    tcpKeepAliveProbes,
    tcpKeepAliveTimeouts,
    /** Segments dropped by PAWS as old duplicates (RFC 7323 §5.3), and for lacking the timestamp option (§3.2). */
    tcpPawsDropped,
    tcpTsMissingDropped,
    /** Lost holes retransmitted during recovery from the SACK scoreboard (RFC 6675 §5). */
    tcpSackRetrans,
    /**
     * ICMP errors about our segments (RFC 1122 §4.2.3.9): matched to a connection; for no connection; quoting a
     * sequence number outside SND.UNA..SND.NXT (RFC 5927 §4.1); taken as soft errors; hard errors that aborted a
     * connection in SYN-SENT; and ignored ones (fragmentation needed: no path MTU discovery; other types).
     */
    tcpInIcmpErrors,
    tcpIcmpNoConnection,
    tcpIcmpOutOfWindow,
    tcpIcmpSoftErrors,
    tcpIcmpHardAborts,
    tcpIcmpIgnored,
}
