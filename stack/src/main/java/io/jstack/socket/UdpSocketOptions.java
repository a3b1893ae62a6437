package io.jstack.socket;

import java.time.Duration;

/**
 * Settings of one UDP socket.
 *
 * @param receiveQueueDatagrams at most this many datagrams wait to be received; more are dropped and counted
 * @param receiveQueueBytes     at most this many data bytes wait to be received; more are dropped and counted
 * @param maxPendingSends       sends handed to the event loop but not yet sent; a sender waits beyond this
 * @param loopTimeout           how long bind and a blocked send wait for the event loop before giving up
 */
public record UdpSocketOptions(int receiveQueueDatagrams, int receiveQueueBytes, int maxPendingSends,
                               Duration loopTimeout) {
    public UdpSocketOptions {
        if (receiveQueueDatagrams < 1) throw new IllegalArgumentException("receive queue must hold a datagram");
        if (receiveQueueBytes < 65507) throw new IllegalArgumentException("receive queue must hold 65507 bytes");
        if (maxPendingSends < 1) throw new IllegalArgumentException("maxPendingSends must be positive");
        if (loopTimeout.isNegative() || loopTimeout.isZero()) throw new IllegalArgumentException("loopTimeout must be positive");
    }

    /** 256 datagrams or 1 MiB, 64 pending sends, 10 s for the loop. */
    public static UdpSocketOptions defaults() {
        return new UdpSocketOptions(256, 1 << 20, 64, Duration.ofSeconds(10));
    }

    public UdpSocketOptions withReceiveQueueDatagrams(int n) {
        return new UdpSocketOptions(n, receiveQueueBytes, maxPendingSends, loopTimeout);
    }
}
