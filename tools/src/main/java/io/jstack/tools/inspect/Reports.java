package io.jstack.tools.inspect;

import java.util.List;

/** The statistics tshark prints with -z: follow, conversations, I/O intervals. */
final class Reports {
    private Reports() {}

    static String follow(List<Packet> packets, int stream) {
        return "";
    }

    static String conversations(List<Packet> packets) {
        return "";
    }

    static String ioStat(List<Packet> packets, double interval) {
        return "";
    }
}
