package io.jstack.conformance;

/**
 * The IPv4 stack a script runs against, seen from the script's peer: it takes the peer's packets, hands back
 * what the stack sends (with the time it was sent), and performs the script's socket calls. Addresses are
 * fixed: the stack is {@link #STACK} and the peer {@link #PEER}.
 */
interface Target extends AutoCloseable {
    int STACK = (10 << 24) | 1; // 10.0.0.1
    int PEER = (10 << 24) | 2; // 10.0.0.2
    int SUBNET_BROADCAST = (10 << 24) | 255; // 10.0.0.255
    int LIMITED_BROADCAST = 0xffffffff; // 255.255.255.255

    /**
     * An IPv4 packet the stack sent, {@code time} seconds after {@link #begin}. Targets hand over every IPv4
     * packet; the interpreter picks the script's own (its ports, its echo identifier, its quoted datagrams).
     */
    record Captured(double time, byte[] packet) {
        /** The TCP segment it carries, or null. */
        Segment segment() {
            return Segment.decode(packet);
        }
    }

    /** Prepares a fresh run: the stack's port (listen or learned from connect) and the peer's port. */
    void begin(Script script, int stackPort, int peerPort);

    /**
     * The next segment the stack sends to the peer's port, letting time pass up to {@code deadline} seconds
     * after {@link #begin}; null if it sent none by then (time is then at the deadline).
     */
    Captured next(double deadline);

    /** The peer sends this IPv4 packet to the stack. */
    void inject(byte[] packet);

    /** Performs a socket call and returns its result ("0", a count, or an errno name such as "EAGAIN"). */
    String call(Script.Call call, double tolerance);

    /** Ends the run: releases sockets and connections. */
    void end();

    @Override
    void close();
}
