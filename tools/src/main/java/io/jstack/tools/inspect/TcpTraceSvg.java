package io.jstack.tools.inspect;

import java.util.List;

/** A tcptrace (Stevens) time/sequence graph of one TCP stream as SVG. */
final class TcpTraceSvg {
    private TcpTraceSvg() {}

    static String render(List<Packet> packets, int stream) {
        return "";
    }
}
