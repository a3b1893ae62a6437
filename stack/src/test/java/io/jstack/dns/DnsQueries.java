package io.jstack.dns;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** Builds DNS messages byte by byte for tests (independent of the responder's writer). */
public final class DnsQueries {
    private DnsQueries() {}

    /** A query: header with the given id and flags, one question, no other records. */
    public static byte[] query(int id, int flags, String name, int qtype, int qclass) {
        return message(id, flags, 1, 0, 0, 0, question(name, qtype, qclass));
    }

    /** A standard recursive query for an A record, as dig sends it without EDNS. */
    public static byte[] queryA(int id, String name) {
        return query(id, DnsPacket.RD, name, DnsPacket.TYPE_A, DnsPacket.CLASS_IN);
    }

    public static byte[] message(int id, int flags, int qd, int an, int ns, int ar, byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer h = ByteBuffer.allocate(12);
        h.putShort((short) id).putShort((short) flags).putShort((short) qd).putShort((short) an)
                .putShort((short) ns).putShort((short) ar);
        out.writeBytes(h.array());
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    /** Uncompressed name in wire form, case preserved. */
    public static byte[] name(String dotted) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!dotted.isEmpty() && !dotted.equals(".")) {
            for (String l : dotted.split("\\.")) {
                out.write(l.length());
                out.writeBytes(l.getBytes());
            }
        }
        out.write(0);
        return out.toByteArray();
    }

    public static byte[] question(String name, int qtype, int qclass) {
        byte[] n = name(name);
        ByteBuffer b = ByteBuffer.allocate(n.length + 4);
        b.put(n).putShort((short) qtype).putShort((short) qclass);
        return b.array();
    }

    /** An OPT pseudo-record (RFC 6891 §6.1.2) with the given payload size, version and DO bit, no options. */
    public static byte[] opt(int payloadSize, int version, boolean dnssecOk) {
        ByteBuffer b = ByteBuffer.allocate(11);
        b.put((byte) 0).putShort((short) DnsPacket.TYPE_OPT).putShort((short) payloadSize)
                .putInt((version << 16) | (dnssecOk ? 0x8000 : 0)).putShort((short) 0);
        return b.array();
    }

    /** A resource record with an uncompressed owner name. */
    public static byte[] record(String owner, int type, int ttl, byte[] rdata) {
        byte[] n = name(owner);
        ByteBuffer b = ByteBuffer.allocate(n.length + 10 + rdata.length);
        b.put(n).putShort((short) type).putShort((short) 1).putInt(ttl).putShort((short) rdata.length).put(rdata);
        return b.array();
    }
}
