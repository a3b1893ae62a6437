package io.jstack.tools.inspect;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the dissector made of one frame: summary columns, named field values, the field tree, TCP facts. */
public final class Packet {
    /** One TCP segment's facts, kept for follow, conversation and graph reports. */
    public record TcpSegment(int stream, boolean fromClient, String src, int srcPort, String dst, int dstPort, long seq,
                             long ack, int len, int flags, long window, byte[] payload, int analysis) {}

    final int number;
    final Frame frame;
    long relNanos;
    String src = "N/A", dst = "N/A", protocol = "N/A";
    final StringBuilder info = new StringBuilder();
    /** Length of the TCP analysis prefixes at the start of {@link #info}, which a payload's dissector keeps (Wireshark's column fence). */
    int infoFence;
    final Map<String, List<String>> fields = new LinkedHashMap<>();
    final List<Node> tree = new ArrayList<>();
    final List<String> layers = new ArrayList<>();
    boolean malformed;
    TcpSegment tcp;

    Packet(int number, Frame frame) {
        this.number = number;
        this.frame = frame;
    }

    public int number() { return number; }
    public Frame frame() { return frame; }
    public long relNanos() { return relNanos; }
    public String src() { return src; }
    public String dst() { return dst; }
    public String protocol() { return protocol; }
    public String info() { return info.toString(); }
    public boolean malformed() { return malformed; }
    public TcpSegment tcp() { return tcp; }
    public List<Node> tree() { return tree; }

    void layer(String name) {
        if (layers.size() < 32) layers.add(name);
    }

    void field(String name, Object value) {
        fields.computeIfAbsent(name, k -> new ArrayList<>()).add(String.valueOf(value));
    }

    /** Every value of a field in dissection order, joined by "," as {@code tshark -T fields} prints them. */
    public String fieldValue(String name) {
        List<String> v = fields.get(name);
        return v == null ? "" : String.join(",", v);
    }
}
