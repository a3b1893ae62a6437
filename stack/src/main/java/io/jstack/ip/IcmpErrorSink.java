package io.jstack.ip;

import java.nio.ByteBuffer;

/**
 * Where the IP layer and the transports report datagrams that deserve an ICMP error. Implemented by the ICMP
 * layer, which decides whether an error may be sent at all (RFC 1122 §3.2.2) and rate-limits it.
 * {@code buf} holds the offending datagram from {@code ipOff}: its IP header and at least its first 8 payload
 * bytes where the datagram had them.
 */
public interface IcmpErrorSink {
    /** Destination Unreachable (RFC 792 type 3) with the given code: 2 protocol, 3 port, 4 fragmentation needed. */
    void destinationUnreachable(int code, ByteBuffer buf, int ipOff, long now);

    /** Time Exceeded (RFC 792 type 11): code 0 TTL exceeded in transit, 1 fragment reassembly time exceeded. */
    void timeExceeded(int code, ByteBuffer buf, int ipOff, long now);

    /**
     * Parameter Problem (RFC 792 type 12, code 0): {@code pointer} is the offset in the datagram's header of the
     * octet where the problem was found (RFC 1122 §3.2.2.5: a host SHOULD send it).
     */
    default void parameterProblem(int pointer, ByteBuffer buf, int ipOff, long now) {}

    /** A sink that sends nothing. */
    IcmpErrorSink NONE = new IcmpErrorSink() {
        @Override public void destinationUnreachable(int code, ByteBuffer buf, int ipOff, long now) {}
        @Override public void timeExceeded(int code, ByteBuffer buf, int ipOff, long now) {}
    };
}
