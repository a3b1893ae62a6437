package io.jstack.tun;

/**
 * Counters of the TUN device as jstack sees it, named after RFC 2863's ifTable. With offload, packets and octets
 * count wire packets as a NIC with segmentation offload (LRO/TSO) counts them: a super-packet counts as the wire
 * segments it stands for, with their repeated headers.
 */
public enum TunCounter {
    /** Wire packets received: a receive-offload super-packet counts as its wire segments. */
    ifInUcastPkts,
    ifInOctets,
    ifOutUcastPkts,
    ifOutOctets,
    /** Packets the kernel refused on write (device down, malformed for the kernel). */
    ifOutErrors,
    /** Writes of one large TCP packet the kernel cut into several wire packets (segmentation offload). */
    ifOutSegmentedWrites,
    /** Reads of one TCP super-packet that stands for several wire segments (receive offload, GSO_TCPV4). */
    ifInSegmentedReads,
    /** TCP packets received whose checksum the kernel vouches for (partial or already verified): not verified. */
    ifInChecksumTrusted
}
