package io.jstack.tun;

import io.jstack.link.SoftwareOffload;
import io.jstack.wire.Checksum;
import java.nio.ByteBuffer;

/**
 * What the {@code struct virtio_net_hdr} in front of a received packet says, once the device was told with
 * {@code TUNSETOFFLOAD(TUN_F_CSUM | TUN_F_TSO4)} that we take offloaded packets: a TCP/IPv4 packet with a partial
 * checksum ({@code NEEDS_CSUM}, the kernel's {@code CHECKSUM_PARTIAL}: a local sender's data, the field holding the
 * pseudo-header sum) or an already verified one ({@code DATA_VALID}) is trusted; with {@code GSO_TCPV4} it is a
 * super-packet of {@code gso_size}-byte wire segments. A partial checksum anywhere else (UDP) is completed here,
 * so the host can verify it as usual. One instance per link, reused for every packet: no allocation.
 *
 * @spec https://docs.oasis-open.org/virtio/virtio/v1.2/virtio-v1.2.html virtio 1.2 §5.1.6.4 (packet reception)
 */
final class VnetReceive {
    private static final int FLAGS = 0, GSO_TYPE = 1, GSO_SIZE = 4, CSUM_START = 6, CSUM_OFFSET = 8;
    /** The TCP checksum field's offset in the TCP header (RFC 9293 §3.1). */
    private static final int TCP_CHECKSUM = 16;

    /** Segment size of the last packet when it is a super-packet, else 0. */
    int segmentSize;
    /** Whether the last packet's TCP checksum is not to be verified. */
    boolean checksumTrusted;
    /** Wire packets and octets the last packet stands for (as a NIC with LRO counts them). */
    int wirePackets;
    long wireOctets;

    /**
     * Reads {@code header} (10 bytes at index 0, native order) for the packet {@code p[0, n)}; may complete a
     * non-TCP partial checksum in {@code p}.
     */
    void read(ByteBuffer header, ByteBuffer p, int n) {
        segmentSize = 0;
        checksumTrusted = false;
        wirePackets = 1;
        wireOctets = n;
        int flags = header.get(FLAGS);
        boolean partial = (flags & LibC.VNET_F_NEEDS_CSUM) != 0;
        boolean tcp = SoftwareOffload.isTcp(p.position(0).limit(n));
        if (tcp && (partial || (flags & LibC.VNET_F_DATA_VALID) != 0)) {
            int ipHeader = (p.get(0) & 0x0f) * 4;
            // A partial checksum is left as it is only where TCP would read it: its own field.
            if (!partial || (Short.toUnsignedInt(header.getShort(CSUM_START)) == ipHeader
                    && Short.toUnsignedInt(header.getShort(CSUM_OFFSET)) == TCP_CHECKSUM)) {
                checksumTrusted = true;
            } else {
                completeChecksum(header, p, n);
            }
        } else if (partial) {
            completeChecksum(header, p, n);
        }
        int gsoSize = Short.toUnsignedInt(header.getShort(GSO_SIZE));
        if (tcp && (header.get(GSO_TYPE) & 0xff) == LibC.VNET_GSO_TCPV4 && gsoSize > 0) {
            segmentSize = gsoSize;
            wirePackets = SoftwareOffload.segmentCount(p, gsoSize);
            int ipHeader = (p.get(0) & 0x0f) * 4;
            int headers = ipHeader + ((p.get(ipHeader + 12) & 0xff) >>> 4) * 4;
            wireOctets = n + (long) (wirePackets - 1) * headers;
        }
    }

    /**
     * Completes a partial checksum: sums from csum_start to the end of the packet (the field holds the
     * pseudo-header sum) and stores the result at csum_start + csum_offset. Ignores offsets outside the packet.
     */
    static void completeChecksum(ByteBuffer header, ByteBuffer p, int n) {
        int start = Short.toUnsignedInt(header.getShort(CSUM_START));
        int at = start + Short.toUnsignedInt(header.getShort(CSUM_OFFSET));
        if (start >= n || at + 2 > n) return;
        long sum = Checksum.partial(p, start, n - start, 0);
        p.putShort(at, (short) Checksum.finish(sum));
    }
}
