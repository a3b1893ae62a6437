package io.jstack.icmp;

import io.jstack.ip.IcmpErrorSink;
import io.jstack.ip.Ipv4Layer;
import io.jstack.ip.TransportHandler;
import io.jstack.stat.CounterSet;
import io.jstack.wire.IcmpPacket;
import io.jstack.wire.IpProtocol;
import io.jstack.wire.Ipv4Packet;
import io.jstack.wire.Malformed;
import java.nio.ByteBuffer;

/**
 * ICMP for IPv4: answers echo requests, sends the errors the IP layer and the transports report (under the rules
 * of RFC 1122 §3.2.2 and a rate limit), and passes received errors to the transport they concern.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc792 RFC 792
 * @spec https://www.rfc-editor.org/rfc/rfc1122#section-3.2.2 RFC 1122 §3.2.2
 * @spec https://www.rfc-editor.org/rfc/rfc1812#section-4.3.2.8 RFC 1812 §4.3.2.8
 */
public final class IcmpLayer implements TransportHandler, IcmpErrorSink {
    public static final int ECHO_REPLY = IcmpPacket.ECHO_REPLY, DEST_UNREACHABLE = IcmpPacket.DEST_UNREACHABLE,
            ECHO_REQUEST = IcmpPacket.ECHO_REQUEST, TIME_EXCEEDED = IcmpPacket.TIME_EXCEEDED;
    /** RFC 792: an error quotes "the internet header plus the first 64 bits of the original datagram's data". */
    private static final int QUOTED_DATA_BYTES = 8;

    private final Ipv4Layer ip;
    private final IcmpConfig config;
    private final TokenBucket errorBucket;
    private final CounterSet<IcmpCounter> counters = new CounterSet<>(IcmpCounter.class);
    private final IcmpPacket view = new IcmpPacket();

    public IcmpLayer(Ipv4Layer ip, IcmpConfig config) {
        this.ip = ip;
        this.config = config;
        this.errorBucket = new TokenBucket(config.errorsPerSecond(), config.errorBurst());
    }

    public IcmpLayer(Ipv4Layer ip) {
        this(ip, IcmpConfig.defaults());
    }

    /** Creates the ICMP layer with default settings and registers it with {@code ip} (protocol 1, error sink). */
    public static IcmpLayer install(Ipv4Layer ip) {
        return install(ip, IcmpConfig.defaults());
    }

    /** Creates the ICMP layer and registers it with {@code ip} as protocol 1 and as its error sink. */
    public static IcmpLayer install(Ipv4Layer ip, IcmpConfig config) {
        IcmpLayer icmp = new IcmpLayer(ip, config);
        ip.register(IpProtocol.ICMP.code(), icmp);
        ip.setIcmpErrorSink(icmp);
        return icmp;
    }

    public IcmpConfig config() {
        return config;
    }

    public CounterSet<IcmpCounter> counters() {
        return counters;
    }

    @Override
    public void receive(Ipv4Packet packet, long now) {
        counters.increment(IcmpCounter.icmpInMsgs);
        IcmpPacket m = view.wrap(packet.buffer(), packet.payloadOffset(), packet.payloadLength());
        // RFC 1122 §3.2.2: ICMP messages with a bad checksum are silently discarded (RFC 792 checksum).
        if (!m.check().ok()) {
            counters.increment(IcmpCounter.icmpInErrors);
            return;
        }
        switch (m.type()) {
            case IcmpPacket.ECHO_REQUEST -> echo(packet, m, now);
            case IcmpPacket.ECHO_REPLY -> counters.increment(IcmpCounter.icmpInEchoReps);
            case IcmpPacket.DEST_UNREACHABLE -> {
                counters.increment(IcmpCounter.icmpInDestUnreachs);
                passToTransport(m, now);
            }
            case IcmpPacket.TIME_EXCEEDED -> {
                counters.increment(IcmpCounter.icmpInTimeExcds);
                passToTransport(m, now);
            }
            case IcmpPacket.PARAMETER_PROBLEM -> {
                counters.increment(IcmpCounter.icmpInParmProbs);
                passToTransport(m, now);
            }
            // RFC 6633 §2: hosts MUST silently ignore Source Quench.
            case IcmpPacket.SOURCE_QUENCH -> counters.increment(IcmpCounter.icmpInSrcQuenchs);
            // RFC 1122 §3.2.2.2 has hosts update routes on Redirect; a one-link host without routes has none.
            case IcmpPacket.REDIRECT -> counters.increment(IcmpCounter.icmpInRedirects);
            // RFC 1122 §3.2.2.8 (Timestamp MAY) and §3.2.2.9 (Address Mask MAY): not implemented.
            case IcmpPacket.TIMESTAMP -> counters.increment(IcmpCounter.icmpInTimestamps);
            case IcmpPacket.TIMESTAMP_REPLY -> counters.increment(IcmpCounter.icmpInTimestampReps);
            case IcmpPacket.ADDRESS_MASK_REQUEST -> counters.increment(IcmpCounter.icmpInAddrMasks);
            case IcmpPacket.ADDRESS_MASK_REPLY -> counters.increment(IcmpCounter.icmpInAddrMaskReps);
            // RFC 1122 §3.2.2: "If an ICMP message of unknown type is received, it MUST be silently discarded."
            default -> counters.increment(IcmpCounter.icmpInUnknownTypes);
        }
    }

    /**
     * RFC 1122 §3.2.2.6: every host MUST answer an Echo Request with an Echo Reply whose data is the request's
     * data, identifier and sequence unchanged. Requests to a broadcast address MAY be discarded; we do. Record
     * Route and Timestamp options SHOULD be updated with this host and reflected in the reply "without
     * truncation" ({@link EchoOptions}); a reply above the MTU carries them in its first fragment. Source Route
     * options are not reversed (RFC 1122 §3.2.2.6: MUST): like Linux (accept_source_route 0), we do not act on
     * source routes at all.
     */
    private void echo(Ipv4Packet packet, IcmpPacket m, long now) {
        counters.increment(IcmpCounter.icmpInEchos);
        int src = packet.source();
        if (packet.destination() != ip.address() || src == 0) {
            counters.increment(IcmpCounter.icmpInEchosIgnored);
            return;
        }
        ByteBuffer tx = ip.txBuffer();
        int len = m.length();
        int options = 0;
        if (packet.headerLength() > Ipv4Packet.MIN_HEADER_LENGTH) {
            options = EchoOptions.reflect(packet.buffer(), packet.offset(), packet.headerLength(), tx,
                    Ipv4Layer.HEADROOM, ip.address(), now, counters);
        }
        int at = Ipv4Layer.HEADROOM + options;
        tx.put(at, m.buffer(), m.offset(), len);
        IcmpPacket.emit(tx, at, ECHO_REPLY, 0, m.restOfHeader(), m.dataLength());
        counters.increment(IcmpCounter.icmpOutMsgs);
        counters.increment(IcmpCounter.icmpOutEchoReps);
        if (options > 0) {
            counters.increment(IcmpCounter.icmpOutEchoRepsWithOptions);
            ip.sendWithOptions(tx, options, len, IpProtocol.ICMP.code(), src);
        } else {
            ip.send(tx, len, IpProtocol.ICMP.code(), src, 0);
        }
    }

    /**
     * RFC 1122 §3.2.2.1 / §3.2.2.4 / §3.2.2.5: an error MUST be passed to the transport of the datagram it quotes.
     * The quote must hold a whole IPv4 header of a datagram we sent and its first 8 data bytes (RFC 792), else
     * the message is counted as an input error.
     */
    private void passToTransport(IcmpPacket m, long now) {
        ByteBuffer b = m.buffer();
        int q = m.dataOffset();
        int qlen = m.dataLength();
        if (qlen < Ipv4Packet.MIN_HEADER_LENGTH + QUOTED_DATA_BYTES) {
            counters.increment(IcmpCounter.icmpInErrors);
            return;
        }
        int verIhl = Byte.toUnsignedInt(b.get(q));
        int hl = (verIhl & 0x0f) * 4;
        if (verIhl >>> 4 != 4 || hl < Ipv4Packet.MIN_HEADER_LENGTH || qlen < hl + QUOTED_DATA_BYTES
                || b.getInt(q + 12) != ip.address()) {
            counters.increment(IcmpCounter.icmpInErrors);
            return;
        }
        TransportHandler h = ip.handler(Byte.toUnsignedInt(b.get(q + 9)));
        if (h == null || h == this) { // errors about our own ICMP messages need no action
            counters.increment(IcmpCounter.icmpInErrorsUndeliverable);
            return;
        }
        counters.increment(IcmpCounter.icmpInErrorsDelivered);
        h.icmpError(m.type(), m.code(), b, q, qlen, now);
    }

    @Override
    public void destinationUnreachable(int code, ByteBuffer buf, int ipOff, long now) {
        if (sendError(DEST_UNREACHABLE, code, 0, buf, ipOff, now)) counters.increment(IcmpCounter.icmpOutDestUnreachs);
    }

    @Override
    public void timeExceeded(int code, ByteBuffer buf, int ipOff, long now) {
        if (sendError(TIME_EXCEEDED, code, 0, buf, ipOff, now)) counters.increment(IcmpCounter.icmpOutTimeExcds);
    }

    /**
     * RFC 1122 §3.2.2.5: a host SHOULD send Parameter Problem about a datagram it discards for a header problem
     * that no other ICMP message describes; the pointer (first octet of the rest of the header) marks the octet.
     */
    @Override
    public void parameterProblem(int pointer, ByteBuffer buf, int ipOff, long now) {
        if (sendError(IcmpPacket.PARAMETER_PROBLEM, 0, (pointer & 0xff) << 24, buf, ipOff, now)) {
            counters.increment(IcmpCounter.icmpOutParmProbs);
        }
    }

    /**
     * RFC 1122 §3.2.2: an ICMP error message MUST NOT be sent as the result of receiving an ICMP error message,
     * a datagram destined to a broadcast or multicast address, a non-initial fragment, or a datagram whose source
     * does not define a single host (zero, loopback, broadcast, multicast, Class E). Reads {@code buf} with bounds
     * checks: the caller's bytes are not trusted.
     */
    static boolean mayAnswerWithError(ByteBuffer buf, int ipOff, int localAddress) {
        int limit = buf.limit();
        if (ipOff < 0 || limit - ipOff < Ipv4Packet.MIN_HEADER_LENGTH) return false;
        int hl = (buf.get(ipOff) & 0x0f) * 4;
        if (hl < Ipv4Packet.MIN_HEADER_LENGTH || limit - ipOff < hl) return false;
        int src = buf.getInt(ipOff + 12);
        int dst = buf.getInt(ipOff + 16);
        if (dst != localAddress) return false; // broadcast, multicast, or not ours at all
        int srcFirst = src >>> 24;
        if (src == 0 || srcFirst == 127 || srcFirst >= 224) return false;
        if ((buf.getShort(ipOff + 6) & 0x1fff) != 0) return false; // a non-initial fragment
        if (Byte.toUnsignedInt(buf.get(ipOff + 9)) == IpProtocol.ICMP.code()) {
            // Unknown or unreadable types count as errors, so we stay silent about them.
            if (limit - ipOff <= hl) return false;
            return !IcmpPacket.isError(Byte.toUnsignedInt(buf.get(ipOff + hl)));
        }
        return true;
    }

    /**
     * RFC 792: the error quotes the offending datagram's IP header and its first 8 data bytes; {@code rest} is the
     * second word of the ICMP header (zero, or the Parameter Problem pointer).
     */
    private boolean sendError(int type, int code, int rest, ByteBuffer buf, int ipOff, long now) {
        if (!mayAnswerWithError(buf, ipOff, ip.address())) {
            counters.increment(IcmpCounter.icmpOutErrorsSuppressed);
            return false;
        }
        // RFC 1812 §4.3.2.8: the rate of ICMP error messages MUST be limited; the bucket runs on `now` alone.
        if (!errorBucket.tryTake(now)) {
            counters.increment(IcmpCounter.icmpOutRateLimited);
            return false;
        }
        int hl = (buf.get(ipOff) & 0x0f) * 4;
        int total = Short.toUnsignedInt(buf.getShort(ipOff + 2));
        int quoted = Math.min(Math.min(Math.max(total, hl), hl + QUOTED_DATA_BYTES), buf.limit() - ipOff);
        int src = buf.getInt(ipOff + 12);
        ByteBuffer tx = ip.txBuffer();
        int at = Ipv4Layer.HEADROOM;
        tx.put(at + IcmpPacket.HEADER_LENGTH, buf, ipOff, quoted);
        IcmpPacket.emit(tx, at, type, code, rest, quoted);
        counters.increment(IcmpCounter.icmpOutMsgs);
        ip.send(tx, IcmpPacket.HEADER_LENGTH + quoted, IpProtocol.ICMP.code(), src, 0);
        return true;
    }
}
