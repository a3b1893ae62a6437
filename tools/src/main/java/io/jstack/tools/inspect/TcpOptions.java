package io.jstack.tools.inspect;

import java.util.ArrayList;
import java.util.List;

/**
 * The options of one TCP header (RFC 9293 §3.1, RFC 7323 §2-3, RFC 2018 §2-3), parsed without ever reading past the
 * header: a bad option length ends the parse and is reported as a tree line.
 */
record TcpOptions(int mss, int wscale, boolean sackPerm, long tsVal, long tsEcr, boolean hasTs, List<long[]> sack,
                  List<String> order, List<String> treeLines) {

    static TcpOptions parse(Bytes b) {
        int mss = -1, ws = -1;
        boolean sackPerm = false, hasTs = false;
        long tsVal = 0, tsEcr = 0;
        List<long[]> sack = new ArrayList<>();
        List<String> order = new ArrayList<>(), tree = new ArrayList<>();
        int i = 0;
        while (i < b.length()) {
            int kind = b.u8(i);
            if (kind == 0) { // End of Option List
                tree.add("TCP Option - End of Option List (EOL)");
                break;
            }
            if (kind == 1) {
                tree.add("TCP Option - No-Operation (NOP)");
                i++;
                continue;
            }
            if (i + 1 >= b.length()) {
                tree.add("[Malformed option: kind " + kind + " without length]");
                break;
            }
            int len = b.u8(i + 1);
            if (len < 2 || i + len > b.length()) {
                tree.add("[Malformed option: kind " + kind + " length " + len + "]");
                break;
            }
            switch (kind) {
                case 2 -> {
                    if (len == 4) {
                        mss = b.u16(i + 2);
                        order.add("mss");
                        tree.add("TCP Option - Maximum segment size: " + mss + " bytes");
                    }
                }
                case 3 -> {
                    if (len == 3) {
                        ws = b.u8(i + 2);
                        order.add("ws");
                        tree.add("TCP Option - Window scale: " + ws + " (multiply by " + (1L << Math.min(ws, 14)) + ")");
                    }
                }
                case 4 -> {
                    sackPerm = true;
                    order.add("sackperm");
                    tree.add("TCP Option - SACK permitted");
                }
                case 5 -> {
                    order.add("sack");
                    StringBuilder s = new StringBuilder("TCP Option - SACK");
                    for (int j = i + 2; j + 8 <= i + len; j += 8) {
                        sack.add(new long[] {b.u32(j), b.u32(j + 4)});
                        s.append(' ').append(b.u32(j)).append('-').append(b.u32(j + 4));
                    }
                    tree.add(s.toString());
                }
                case 8 -> {
                    if (len == 10) {
                        hasTs = true;
                        tsVal = b.u32(i + 2);
                        tsEcr = b.u32(i + 6);
                        order.add("ts");
                        tree.add("TCP Option - Timestamps: TSval " + tsVal + ", TSecr " + tsEcr);
                    }
                }
                default -> tree.add("TCP Option - Unknown (kind " + kind + ", " + len + " bytes)");
            }
            i += len;
        }
        return new TcpOptions(mss, ws, sackPerm, tsVal, tsEcr, hasTs, sack, order, tree);
    }

    String treeSummary() {
        List<String> names = new ArrayList<>();
        for (String o : order) names.add(switch (o) {
            case "mss" -> "Maximum segment size";
            case "ws" -> "Window scale";
            case "sackperm" -> "SACK permitted";
            case "sack" -> "SACK";
            default -> "Timestamps";
        });
        return names.isEmpty() ? "" : ", " + String.join(", ", names);
    }

    void addFields(Packet p) {
        if (mss >= 0) p.field("tcp.options.mss_val", mss);
        if (wscale >= 0) p.field("tcp.options.wscale.shift", wscale);
    }

    /** The options part of the info column, in option order; SACK edges relative to {@code peerBase}. */
    String infoText(long peerBase) {
        StringBuilder s = new StringBuilder();
        int sackIndex = 0;
        for (String o : order) {
            switch (o) {
                case "mss" -> s.append(" MSS=").append(mss);
                case "ws" -> s.append(" WS=").append(1L << Math.min(wscale, 14));
                case "sackperm" -> s.append(" SACK_PERM");
                case "ts" -> s.append(" TSval=").append(tsVal).append(" TSecr=").append(tsEcr);
                case "sack" -> {
                    for (; sackIndex < sack.size(); sackIndex++) {
                        long[] e = sack.get(sackIndex);
                        s.append(" SLE=").append((e[0] - peerBase) & 0xffffffffL).append(" SRE=").append((e[1] - peerBase) & 0xffffffffL);
                    }
                }
                default -> { }
            }
        }
        return s.toString();
    }
}
