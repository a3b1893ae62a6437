package io.jstack.link;

/**
 * What a link finishes for the host on outgoing TCP/IPv4 packets, as a NIC (or the kernel behind a TUN device
 * with {@code IFF_VNET_HDR}) does: the TCP checksum, and cutting one large packet into MSS-sized segments (TCP
 * segmentation offload). Links offer none unless they say so.
 *
 * @param tcpChecksum  the link completes a TCP checksum that holds only the pseudo-header sum
 * @param maxTcpPacket the largest IPv4 packet the link segments for the host; 0 without segmentation
 * @spec https://docs.kernel.org/networking/segmentation-offloads.html Segmentation Offloads
 */
public record Offload(boolean tcpChecksum, int maxTcpPacket) {
    public static final Offload NONE = new Offload(false, 0);
    /** Checksum and segmentation of packets up to the IPv4 maximum. */
    public static final Offload TCP = new Offload(true, 65535);

    public Offload {
        if (maxTcpPacket < 0 || maxTcpPacket > 65535) throw new IllegalArgumentException("maxTcpPacket " + maxTcpPacket);
        if (maxTcpPacket > 0 && !tcpChecksum) throw new IllegalArgumentException("segmentation needs checksum offload");
    }

    /** Whether the link segments large TCP packets. */
    public boolean segmentation() {
        return maxTcpPacket > 0;
    }
}
