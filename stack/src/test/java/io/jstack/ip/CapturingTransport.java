package io.jstack.ip;

import io.jstack.wire.Ipv4Header;
import io.jstack.wire.Ipv4Packet;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A transport for tests: keeps a copy of every datagram and ICMP error it is handed. */
public final class CapturingTransport implements TransportHandler {
    /** A delivered datagram: its header and payload, copied out of the view. */
    public record Delivered(Ipv4Header header, byte[] payload, byte[] datagram) {}

    /** An ICMP error passed up by the ICMP layer: type, code and the quoted bytes. */
    public record IcmpError(int type, int code, byte[] quoted) {}

    public final List<Delivered> delivered = new ArrayList<>();
    public final List<IcmpError> errors = new ArrayList<>();

    public static CapturingTransport on(Ipv4Layer ip, int protocol) {
        CapturingTransport t = new CapturingTransport();
        ip.register(protocol, t);
        return t;
    }

    @Override
    public void receive(Ipv4Packet ip, long now) {
        byte[] payload = new byte[ip.payloadLength()];
        ip.buffer().get(ip.payloadOffset(), payload);
        byte[] datagram = new byte[ip.totalLength()];
        ip.buffer().get(ip.offset(), datagram);
        delivered.add(new Delivered(Ipv4Header.parse(ip), payload, datagram));
    }

    @Override
    public void icmpError(int type, int code, ByteBuffer buf, int off, int len, long now) {
        byte[] q = new byte[len];
        buf.get(off, q);
        errors.add(new IcmpError(type, code, q));
    }

    public byte[] onlyPayload() {
        if (delivered.size() != 1) throw new AssertionError("expected one datagram, got " + delivered.size());
        return delivered.get(0).payload();
    }

    @Override
    public String toString() {
        return "delivered " + delivered.size() + " " + Arrays.toString(delivered.stream().map(d -> d.payload().length).toArray());
    }
}
