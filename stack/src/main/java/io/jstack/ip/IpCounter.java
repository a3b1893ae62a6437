package io.jstack.ip;

/** IPv4 counters, named as in RFC 4293 (ipSystemStatsTable) without the "SystemStats" infix. */
public enum IpCounter {
    ipInReceives,
    ipInHdrErrors,
    ipInTruncatedPkts,
    ipInAddrErrors,
    ipInUnknownProtos,
    ipInDiscards,
    ipInDelivers,
    ipOutRequests,
    ipOutDiscards,
    ipOutTransmits,
    ipReasmReqds,
    ipReasmOKs,
    ipReasmFails,
    ipFragOKs,
    ipFragFails,
    ipFragCreates
}
