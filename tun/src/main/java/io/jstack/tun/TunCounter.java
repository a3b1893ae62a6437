package io.jstack.tun;

/** Counters of the TUN device as jstack sees it, named after RFC 2863's ifTable. */
public enum TunCounter {
    ifInUcastPkts,
    ifInOctets,
    ifOutUcastPkts,
    ifOutOctets,
    /** Packets the kernel refused on write (device down, malformed for the kernel). */
    ifOutErrors,
    /** Writes of one large TCP packet the kernel cut into several wire packets (segmentation offload). */
    ifOutSegmentedWrites
}
