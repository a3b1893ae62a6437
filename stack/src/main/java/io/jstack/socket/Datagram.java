package io.jstack.socket;

import io.jstack.wire.Ipv4Address;
import java.net.InetSocketAddress;

/** A received UDP datagram: who sent it and its data (a copy the receiver owns). */
public record Datagram(Ipv4Address address, int port, byte[] data) {
    public InetSocketAddress source() {
        return new InetSocketAddress(address.toInetAddress(), port);
    }

    public int length() {
        return data.length;
    }
}
