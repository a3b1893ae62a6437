package io.jstack.ip;

/**
 * IPv4 counters, named as in RFC 4293 (ipSystemStatsTable) without the "SystemStats" infix.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc4293#section-5 RFC 4293 §5
 */
public enum IpCounter {
    /** Every packet the link delivered, malformed ones included. */
    ipInReceives,
    /** Bad version, IHL, total length, checksum, fragment fields or options; invalid source address. */
    ipInHdrErrors,
    /** Fewer bytes than the header or the total length says. */
    ipInTruncatedPkts,
    /** Not addressed to this host. */
    ipInAddrErrors,
    /** Addressed to a protocol no transport registered. */
    ipInUnknownProtos,
    /** Well-formed but no room: a fragment over the reassembly memory cap. */
    ipInDiscards,
    /** Datagrams handed to a transport (reassembled ones once). */
    ipInDelivers,
    ipOutRequests,
    ipOutDiscards,
    /** Packets handed to the link, fragments each counted. */
    ipOutTransmits,
    /** Fragments received that needed reassembly. */
    ipReasmReqds,
    ipReasmOKs,
    /** Reassembly failures: timeouts, inconsistent overlaps, memory cap. */
    ipReasmFails,
    /** Exact duplicate fragments, dropped (the first copy is kept). Not an RFC 4293 name. */
    ipReasmDuplicates,
    ipFragOKs,
    ipFragFails,
    ipFragCreates
}
