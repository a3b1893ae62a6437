package io.jstack.icmp;

import io.jstack.ip.IcmpErrorSink;
import io.jstack.ip.Ipv4Layer;
import io.jstack.ip.TransportHandler;
import io.jstack.stat.CounterSet;
import io.jstack.wire.Checksum;
import io.jstack.wire.IpProtocol;
import io.jstack.wire.Ipv4Packet;
import java.nio.ByteBuffer;

/**
 * ICMP for IPv4: echo replies, and the errors the IP layer and transports report.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc792 RFC 792
 * @spec https://www.rfc-editor.org/rfc/rfc1122#section-3.2.2 RFC 1122 §3.2.2
 */
public final class IcmpLayer implements TransportHandler, IcmpErrorSink {
    public static final int ECHO_REPLY = 0, DEST_UNREACHABLE = 3, ECHO_REQUEST = 8, TIME_EXCEEDED = 11;
    private static final int HEADER_LENGTH = 8;

    private final Ipv4Layer ip;
    private final CounterSet<IcmpCounter> counters = new CounterSet<>(IcmpCounter.class);

    public IcmpLayer(Ipv4Layer ip) {
        this.ip = ip;
    }

    /** Creates the ICMP layer and registers it with {@code ip} as protocol 1 and as its error sink. */
    public static IcmpLayer install(Ipv4Layer ip) {
        IcmpLayer icmp = new IcmpLayer(ip);
        ip.register(IpProtocol.ICMP.code(), icmp);
        ip.setIcmpErrorSink(icmp);
        return icmp;
    }

    public CounterSet<IcmpCounter> counters() {
        return counters;
    }

    @Override
    public void receive(Ipv4Packet packet, long now) {
        counters.increment(IcmpCounter.icmpInMsgs);
        ByteBuffer buf = packet.buffer();
        int off = packet.payloadOffset();
        int len = packet.payloadLength();
        if (len < HEADER_LENGTH || Checksum.compute(buf, off, len) != 0) {
            counters.increment(IcmpCounter.icmpInErrors);
            return;
        }
        int type = Byte.toUnsignedInt(buf.get(off));
        if (type == ECHO_REQUEST) {
            counters.increment(IcmpCounter.icmpInEchos);
            // RFC 1122 §3.2.2.6: MUST answer; identifier, sequence and data returned unchanged.
            if (packet.destination() != ip.address()) return; // no replies to broadcast echo (RFC 1122 MAY)
            ByteBuffer tx = ip.txBuffer();
            int at = Ipv4Layer.HEADROOM;
            tx.put(at, buf, off, len);
            tx.put(at, (byte) ECHO_REPLY);
            tx.put(at + 1, (byte) 0);
            tx.putShort(at + 2, (short) 0);
            tx.putShort(at + 2, (short) Checksum.compute(tx, at, len));
            counters.increment(IcmpCounter.icmpOutMsgs);
            counters.increment(IcmpCounter.icmpOutEchoReps);
            ip.send(tx, len, IpProtocol.ICMP.code(), packet.source(), 0);
        } else if (type == ECHO_REPLY) {
            counters.increment(IcmpCounter.icmpInEchoReps);
        } else if (type == DEST_UNREACHABLE) {
            counters.increment(IcmpCounter.icmpInDestUnreachs);
        } else if (type == TIME_EXCEEDED) {
            counters.increment(IcmpCounter.icmpInTimeExcds);
        }
    }

    @Override
    public void destinationUnreachable(int code, ByteBuffer buf, int ipOff, long now) {
        sendError(DEST_UNREACHABLE, code, buf, ipOff);
        counters.increment(IcmpCounter.icmpOutDestUnreachs);
    }

    @Override
    public void timeExceeded(int code, ByteBuffer buf, int ipOff, long now) {
        sendError(TIME_EXCEEDED, code, buf, ipOff);
        counters.increment(IcmpCounter.icmpOutTimeExcds);
    }

    /** RFC 792: the error quotes the offending datagram's IP header and its first 8 data bytes. */
    private void sendError(int type, int code, ByteBuffer buf, int ipOff) {
        int hl = (buf.get(ipOff) & 0x0f) * 4;
        int total = Short.toUnsignedInt(buf.getShort(ipOff + 2));
        int quoted = Math.min(Math.min(total, hl + 8), buf.limit() - ipOff);
        int src = buf.getInt(ipOff + 12);
        ByteBuffer tx = ip.txBuffer();
        int at = Ipv4Layer.HEADROOM;
        tx.put(at, (byte) type);
        tx.put(at + 1, (byte) code);
        tx.putShort(at + 2, (short) 0);
        tx.putInt(at + 4, 0);
        tx.put(at + HEADER_LENGTH, buf, ipOff, quoted);
        int len = HEADER_LENGTH + quoted;
        tx.putShort(at + 2, (short) Checksum.compute(tx, at, len));
        counters.increment(IcmpCounter.icmpOutMsgs);
        counters.increment(IcmpCounter.icmpOutErrors);
        ip.send(tx, len, IpProtocol.ICMP.code(), src, 0);
    }
}
