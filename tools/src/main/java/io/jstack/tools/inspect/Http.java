package io.jstack.tools.inspect;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 messages on a TCP stream (RFC 9112 §2-§7): request and status lines, header fields, bodies delimited by
 * Content-Length or chunked coding. A message spread over several segments is shown on the segment that completes
 * it, like Wireshark's reassembly; earlier segments show {@code [TCP segment of a reassembled PDU]}.
 */
final class Http {
    static final int MAX_BUFFER = 1 << 20;
    private static final String[] METHODS = {"GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT ", "TRACE "};

    /** Per direction: bytes of an unfinished message and the sequence number that continues them. */
    static final class State {
        final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        long nextSeq;
        boolean nextSet;
        String lastRequestMethod = "";
        /** Where this segment's bytes start in the pending buffer. */
        int newFrom;
        /** The first line of a message whose head ended in this segment but whose body did not arrive yet. */
        String partialHead;
    }

    private Http() {}

    static void onSegment(Packet p, TcpTracker.Direction fwd, long seq, Bytes payload, int analysis) {
        State s = fwd.http;
        if ((analysis & (TcpTracker.RETRANSMISSION | TcpTracker.SPURIOUS_RETRANSMISSION
                | TcpTracker.OUT_OF_ORDER)) != 0) return;
        if (s.nextSet && seq != s.nextSeq) s.pending.reset();
        s.nextSeq = (seq + payload.length()) & 0xffffffffL;
        s.nextSet = true;
        byte[] data = payload.toArray();
        s.pending.write(data, 0, data.length);
        if (s.pending.size() > MAX_BUFFER) {
            s.pending.reset();
            return;
        }
        byte[] buf = s.pending.toByteArray();
        s.newFrom = buf.length - data.length;
        s.partialHead = null;
        if (!startsLikeHttp(buf, 0)) {
            if (Http.indexOf(buf, 0, "\n") < 0) { // no line yet: Wireshark waits for more before deciding
                p.info.append(" [TCP segment of a reassembled PDU]");
                return;
            }
            s.pending.reset();
            p.protocol = "HTTP";
            p.info.setLength(p.infoFence); // the TCP analysis prefixes stay before the fence, as in Wireshark
            p.info.append("Continuation");
            p.tree.add(new Node("Hypertext Transfer Protocol"));
            return;
        }
        int pos = 0;
        StringBuilder info = new StringBuilder();
        while (pos < buf.length && startsLikeHttp(buf, pos)) {
            int used = message(p, buf, pos, info, s);
            if (used <= 0) break;
            pos += used;
        }
        s.pending.reset();
        s.pending.write(buf, pos, buf.length - pos);
        if (info.isEmpty()) {
            if (s.partialHead != null) {
                // Wireshark names the message by its first line in the frame that completed its head, then asks
                // TCP for the rest of the body: the protocol stays TCP
                p.info.setLength(p.infoFence);
                p.info.append(s.partialHead).append(' ');
            }
            p.info.append(" [TCP segment of a reassembled PDU]");
            return;
        }
        p.protocol = "HTTP";
        p.info.setLength(p.infoFence); // the TCP analysis prefixes stay before the fence, as in Wireshark
        p.info.append(info);
    }

    static boolean startsLikeHttp(byte[] b, int pos) {
        for (String m : METHODS) if (startsWith(b, pos, m)) return true;
        return startsWith(b, pos, "HTTP/");
    }

    private static boolean startsWith(byte[] b, int pos, String s) {
        if (b.length - pos < s.length()) {
            // a prefix of a method is still possibly HTTP
            for (int i = 0; i < b.length - pos; i++) if (b[pos + i] != s.charAt(i)) return false;
            return b.length > pos;
        }
        for (int i = 0; i < s.length(); i++) if (b[pos + i] != s.charAt(i)) return false;
        return true;
    }

    /** Decodes one complete message at {@code pos}; returns its length, or 0 when it is not complete yet. */
    private static int message(Packet p, byte[] b, int pos, StringBuilder info, State s) {
        int headEnd = indexOf(b, pos, "\r\n\r\n");
        if (headEnd < 0) return 0;
        String head = new String(b, pos, headEnd - pos, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r\n", -1);
        String first = lines[0];
        boolean response = first.startsWith("HTTP/");
        long contentLength = -1;
        boolean chunked = false;
        String contentType = null;
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            if (c <= 0) continue;
            String name = lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), value = lines[i].substring(c + 1).trim();
            switch (name) {
                case "content-length" -> {
                    try {
                        contentLength = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        contentLength = -1;
                    }
                }
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "content-type" -> {
                    int semi = value.indexOf(';');
                    contentType = (semi >= 0 ? value.substring(0, semi) : value).trim().toLowerCase(Locale.ROOT);
                }
                default -> { }
            }
        }
        int bodyStart = headEnd + 4;
        int status = -1;
        String[] parts = first.split(" ", 3);
        if (response && parts.length >= 2) {
            try {
                status = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                status = -1;
            }
        }
        long bodyLen;
        if (chunked) {
            bodyLen = chunkedLength(b, bodyStart);
            if (bodyLen < 0) return 0;
        } else if (contentLength >= 0) {
            bodyLen = contentLength;
        } else if (!response || status / 100 == 1 || status == 204 || status == 304 || s.lastRequestMethod.equals("HEAD")) {
            bodyLen = 0;
        } else {
            bodyLen = b.length - bodyStart; // delimited by the end of the connection: take what is here
        }
        if (bodyStart + bodyLen > b.length) {
            if (bodyStart > s.newFrom && pos == 0) s.partialHead = first;
            return 0;
        }
        p.layer("http");
        Node n = new Node("Hypertext Transfer Protocol");
        p.tree.add(n);
        Node fl = n.add(first + "\\r\\n");
        if (response) {
            if (parts.length >= 2) {
                p.field("http.response.code", parts[1]);
                fl.add("Status Code: " + parts[1]);
            }
            if (parts.length >= 3) fl.add("Response Phrase: " + parts[2]);
        } else {
            p.field("http.request.method", parts[0]);
            fl.add("Request Method: " + parts[0]);
            if (parts.length >= 2) {
                p.field("http.request.uri", parts[1]);
                fl.add("Request URI: " + parts[1]);
            }
            if (parts.length >= 3) fl.add("Request Version: " + parts[2]);
            s.lastRequestMethod = parts[0];
        }
        for (int i = 1; i < lines.length; i++) n.add(lines[i] + "\\r\\n");
        n.add("\\r\\n");
        if (bodyLen > 0) n.add("File Data: " + bodyLen + " bytes");
        info.append(first).append(' ');
        if (response && bodyLen > 0 && contentType != null) info.append(" (").append(contentType).append(')');
        return (int) (bodyStart + bodyLen - pos);
    }

    /** RFC 9112 §7.1: the length of a complete chunked body from {@code pos}, or -1 when more bytes are needed. */
    private static long chunkedLength(byte[] b, int pos) {
        int p = pos;
        for (int guard = 0; guard < 100_000; guard++) {
            int eol = indexOf(b, p, "\r\n");
            if (eol < 0) return -1;
            String sizeText = new String(b, p, eol - p, StandardCharsets.ISO_8859_1);
            int semi = sizeText.indexOf(';');
            long size;
            try {
                size = Long.parseLong((semi >= 0 ? sizeText.substring(0, semi) : sizeText).trim(), 16);
            } catch (NumberFormatException e) {
                return b.length - pos;
            }
            p = eol + 2;
            if (size == 0) {
                int end = indexOf(b, p - 2, "\r\n\r\n");
                return end < 0 ? -1 : end + 4 - pos;
            }
            if (p + size + 2 > b.length) return -1;
            p += (int) size + 2;
        }
        return b.length - pos;
    }

    static int indexOf(byte[] b, int from, String s) {
        outer:
        for (int i = Math.max(0, from); i + s.length() <= b.length; i++) {
            for (int j = 0; j < s.length(); j++) if (b[i + j] != s.charAt(j)) continue outer;
            return i;
        }
        return -1;
    }
}
