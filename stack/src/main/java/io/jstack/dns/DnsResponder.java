package io.jstack.dns;

import static io.jstack.dns.DnsPacket.*;

import io.jstack.stat.CounterSet;
import io.jstack.wire.Ipv4Address;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A small authoritative DNS responder (RFC 1035): A records for configured names, NXDOMAIN for other names in its
 * zones, REFUSED outside them, NOTIMP for opcodes other than QUERY, FORMERR for malformed queries. Minimal EDNS
 * (RFC 6891): an OPT in the query gets an OPT in the answer. Sans-I/O and allocation-free per message: bytes in,
 * bytes out, and a counter for everything it drops or rejects. Never throws on any input. One thread at a time.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc1035#section-4 RFC 1035 §4
 * @spec https://www.rfc-editor.org/rfc/rfc2308#section-3 RFC 2308 §3
 * @spec https://www.rfc-editor.org/rfc/rfc6891#section-6 RFC 6891 §6
 */
public final class DnsResponder {
    /** Room a response may need: every response this responder builds fits in 512 octets (RFC 1035 §4.2.1). */
    public static final int MAX_RESPONSE = 512;
    /** The UDP payload size we advertise in OPT (RFC 6891 §6.2.5; the 2020 DNS flag day value). */
    static final int EDNS_PAYLOAD = 1232;
    private static final byte[] HOSTMASTER = {10, 'h', 'o', 's', 't', 'm', 'a', 's', 't', 'e', 'r'};
    private static final int SOA_SERIAL = 1, SOA_REFRESH = 3600, SOA_RETRY = 600, SOA_EXPIRE = 86400;

    private final byte[][] names;
    private final int[][] addresses;
    /** Zone apexes in wire form, longest first, so the first match is the closest enclosing zone. */
    private final byte[][] zones;
    private final int ttlSeconds;
    private final int negativeTtlSeconds;
    private final CounterSet<DnsCounter> counters = new CounterSet<>(DnsCounter.class);
    private final DnsPacket header = new DnsPacket();
    private final DnsNameReader qname = new DnsNameReader();
    private final DnsNameReader skipped = new DnsNameReader();

    public DnsResponder(DnsConfig config) {
        List<byte[]> ns = new ArrayList<>();
        List<List<Integer>> as = new ArrayList<>();
        List<byte[]> zs = new ArrayList<>();
        for (DnsConfig.Entry e : config.records()) {
            byte[] w = DnsNames.toWire(e.name());
            int i = indexOf(ns, w);
            if (i < 0) {
                ns.add(w);
                as.add(new ArrayList<>());
                i = ns.size() - 1;
            }
            if (!as.get(i).contains(e.address().value())) as.get(i).add(e.address().value());
            addZone(zs, w);
            byte[] parent = DnsNames.parent(w);
            if (parent.length > 1) addZone(zs, parent); // never the root: we are not authoritative for everything
        }
        zs.sort(Comparator.comparingInt((byte[] z) -> z.length).reversed());
        names = ns.toArray(new byte[0][]);
        addresses = as.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
        zones = zs.toArray(new byte[0][]);
        ttlSeconds = (int) config.ttl().toSeconds();
        negativeTtlSeconds = (int) config.negativeTtl().toSeconds();
    }

    private static int indexOf(List<byte[]> list, byte[] w) {
        for (int i = 0; i < list.size(); i++) if (Arrays.equals(list.get(i), w)) return i;
        return -1;
    }

    private static void addZone(List<byte[]> zs, byte[] w) {
        if (indexOf(zs, w) < 0) zs.add(w);
    }

    public CounterSet<DnsCounter> counters() {
        return counters;
    }

    /** The zones this responder is authoritative for, as dotted names. */
    public List<String> zones() {
        return Arrays.stream(zones).map(z -> DnsNames.toText(z, z.length)).toList();
    }

    /**
     * Answers the message in {@code in[off, off + len)}: writes the response into {@code out} from index 0 (it
     * needs {@link #MAX_RESPONSE} octets) and returns its length, or -1 when the message deserves no answer.
     */
    public int respond(ByteBuffer in, int off, int len, ByteBuffer out) {
        counters.increment(DnsCounter.dnsInMessages);
        DnsPacket q = header.wrap(in, off, len);
        if (!q.check().equals(DnsError.NONE)) {
            counters.increment(DnsCounter.dnsInTooShort);
            return -1;
        }
        if (q.isResponse()) {
            counters.increment(DnsCounter.dnsInResponses);
            return -1;
        }
        int id = q.id();
        int opcode = q.opcode();
        boolean rd = q.recursionDesired();
        // RFC 1035 §4.1.1 RCODE 4: "The name server does not support the requested kind of query."
        if (opcode != OPCODE_QUERY) return headerOnly(out, id, opcode, rd, NOTIMP);
        // RFC 9619 §3: a query with QDCOUNT other than 1 is malformed.
        if (q.qdcount() != 1) return formErr(out, id, rd, DnsError.QUESTION_COUNT);
        int limit = off + len;
        int pos = off + HEADER_LENGTH;
        DnsError e = qname.read(in, off, len, pos);
        if (e != DnsError.NONE) return formErr(out, id, rd, e);
        pos = qname.end();
        if (pos + 4 > limit) return formErr(out, id, rd, DnsError.TRUNCATED);
        int qtype = Short.toUnsignedInt(in.getShort(pos));
        int qclass = Short.toUnsignedInt(in.getShort(pos + 2));
        pos += 4;

        // RFC 1035 §4.1.3: walk every record the counts announce; counts that lie make the message malformed.
        int answersAndAuthority = q.ancount() + q.nscount();
        int records = answersAndAuthority + q.arcount();
        boolean opt = false;
        int optVersion = 0;
        boolean optDnssecOk = false;
        for (int i = 0; i < records; i++) {
            if (pos == limit) return formErr(out, id, rd, DnsError.COUNT_MISMATCH);
            e = skipped.read(in, off, len, pos);
            if (e != DnsError.NONE) return formErr(out, id, rd, e);
            pos = skipped.end();
            if (pos + 10 > limit) return formErr(out, id, rd, DnsError.TRUNCATED);
            int type = Short.toUnsignedInt(in.getShort(pos));
            int rdlength = Short.toUnsignedInt(in.getShort(pos + 8));
            if (pos + 10 + rdlength > limit) return formErr(out, id, rd, DnsError.TRUNCATED);
            if (type == TYPE_OPT) {
                // RFC 6891 §6.1.1: one OPT at most, in the additional section, owned by the root.
                if (i < answersAndAuthority || opt || !skipped.isRoot()) return formErr(out, id, rd, DnsError.BAD_OPT);
                opt = true;
                int ttl = in.getInt(pos + 4);
                optVersion = (ttl >>> 16) & 0xff;
                optDnssecOk = (ttl & 0x8000) != 0;
            }
            pos += 10 + rdlength;
        }

        // The response: header, the question exactly as asked (case preserved), then the sections.
        out.clear();
        int w = HEADER_LENGTH;
        out.put(w, qname.name(), 0, qname.length());
        w += qname.length();
        out.putShort(w, (short) qtype);
        out.putShort(w + 2, (short) qclass);
        w += 4;
        int an = 0, ns = 0, rcode, extRcode = 0;
        boolean aa = false;
        if (opt && optVersion != 0) {
            // RFC 6891 §6.1.3: a version we do not implement gets BADVERS and no answers.
            rcode = BADVERS & 0xf;
            extRcode = BADVERS >>> 4;
            counters.increment(DnsCounter.dnsOutBadVers);
        } else {
            byte[] zone = qclass == CLASS_IN || qclass == CLASS_ANY ? closestZone() : null;
            if (zone == null) {
                rcode = REFUSED; // not ours: an authoritative-only server refuses (RFC 1035 §4.1.1 RCODE 5)
                counters.increment(DnsCounter.dnsOutRefused);
            } else {
                aa = true; // RFC 1035 §4.1.1: AA, the responding server is an authority for the name
                int zonePointer = 0xc000 | (HEADER_LENGTH + qname.length() - zone.length);
                boolean apex = qname.length() == zone.length;
                int n = nameIndex();
                if (n >= 0 && (qtype == TYPE_A || qtype == TYPE_ANY)) {
                    for (int address : addresses[n]) {
                        w = putA(out, w, address);
                        an++;
                    }
                }
                if (apex && (qtype == TYPE_SOA || qtype == TYPE_ANY)) {
                    w = putSoa(out, w, 0xc000 | HEADER_LENGTH, zonePointer, ttlSeconds);
                    an++;
                }
                if (n >= 0 || apex) {
                    rcode = NOERROR;
                    counters.increment(DnsCounter.dnsOutNoError);
                } else {
                    rcode = NXDOMAIN; // RFC 1035 §4.1.1 RCODE 3: the name does not exist in our zone
                    counters.increment(DnsCounter.dnsOutNxDomain);
                }
                if (an == 0) {
                    // RFC 2308 §3: negative answers (NXDOMAIN and NODATA) carry the zone's SOA in the authority
                    // section, with the SOA minimum as its TTL (§5).
                    w = putSoa(out, w, zonePointer, zonePointer, negativeTtlSeconds);
                    ns++;
                }
            }
        }
        int ar = 0;
        if (opt) {
            // RFC 6891 §6.1.1 / RFC 3225 §3: our OPT, with the DO bit copied from the query.
            out.put(w, (byte) 0);
            out.putShort(w + 1, (short) TYPE_OPT);
            out.putShort(w + 3, (short) EDNS_PAYLOAD);
            out.putInt(w + 5, (extRcode << 24) | (optDnssecOk ? 0x8000 : 0));
            out.putShort(w + 9, (short) 0);
            w += 11;
            ar = 1;
        }
        putHeader(out, id, OPCODE_QUERY, aa, rd, rcode, 1, an, ns, ar);
        out.limit(w);
        return w;
    }

    private byte[] closestZone() {
        for (byte[] z : zones) if (qname.endsWith(z)) return z;
        return null;
    }

    private int nameIndex() {
        for (int i = 0; i < names.length; i++) if (qname.equalsName(names[i])) return i;
        return -1;
    }

    /** An A record owned by the question's name (a pointer to offset 12). */
    private int putA(ByteBuffer out, int w, int address) {
        out.putShort(w, (short) (0xc000 | HEADER_LENGTH));
        out.putShort(w + 2, (short) TYPE_A);
        out.putShort(w + 4, (short) CLASS_IN);
        out.putInt(w + 6, ttlSeconds);
        out.putShort(w + 10, (short) 4);
        out.putInt(w + 12, address);
        return w + 16;
    }

    /** The zone's SOA (RFC 1035 §3.3.13): MNAME the apex, RNAME hostmaster.apex, MINIMUM the negative TTL. */
    private int putSoa(ByteBuffer out, int w, int ownerPointer, int zonePointer, int ttl) {
        out.putShort(w, (short) ownerPointer);
        out.putShort(w + 2, (short) TYPE_SOA);
        out.putShort(w + 4, (short) CLASS_IN);
        out.putInt(w + 6, ttl);
        int rdata = w + 12;
        int r = rdata;
        out.putShort(r, (short) zonePointer);
        r += 2;
        out.put(r, HOSTMASTER);
        r += HOSTMASTER.length;
        out.putShort(r, (short) zonePointer);
        r += 2;
        out.putInt(r, SOA_SERIAL);
        out.putInt(r + 4, SOA_REFRESH);
        out.putInt(r + 8, SOA_RETRY);
        out.putInt(r + 12, SOA_EXPIRE);
        out.putInt(r + 16, negativeTtlSeconds);
        r += 20;
        out.putShort(w + 10, (short) (r - rdata));
        return r;
    }

    private int formErr(ByteBuffer out, int id, boolean rd, DnsError reason) {
        counters.increment(switch (reason) {
            case TRUNCATED, NONE -> DnsCounter.dnsBadTruncated;
            case LABEL_TOO_LONG -> DnsCounter.dnsBadLabel;
            case NAME_TOO_LONG -> DnsCounter.dnsBadNameLength;
            case POINTER_LOOP -> DnsCounter.dnsBadPointerLoop;
            case COUNT_MISMATCH -> DnsCounter.dnsBadCount;
            case QUESTION_COUNT -> DnsCounter.dnsBadQuestionCount;
            case BAD_OPT -> DnsCounter.dnsBadOpt;
        });
        // RFC 1035 §4.1.1 RCODE 1: "The name server was unable to interpret the query." Header only: the
        // question could not be trusted.
        return headerOnly(out, id, OPCODE_QUERY, rd, FORMERR);
    }

    private int headerOnly(ByteBuffer out, int id, int opcode, boolean rd, int rcode) {
        counters.increment(rcode == NOTIMP ? DnsCounter.dnsOutNotImp : DnsCounter.dnsOutFormErr);
        out.clear();
        putHeader(out, id, opcode, false, rd, rcode, 0, 0, 0, 0);
        out.limit(HEADER_LENGTH);
        return HEADER_LENGTH;
    }

    /** RFC 1035 §4.1.1: QR set; RD copied from the query; RA clear (we do not recurse); TC never set. */
    private static void putHeader(ByteBuffer out, int id, int opcode, boolean aa, boolean rd, int rcode,
                                  int qd, int an, int ns, int ar) {
        int flags = QR | (opcode & 0xf) << 11 | (aa ? AA : 0) | (rd ? RD : 0) | (rcode & 0xf);
        out.putShort(0, (short) id);
        out.putShort(2, (short) flags);
        out.putShort(4, (short) qd);
        out.putShort(6, (short) an);
        out.putShort(8, (short) ns);
        out.putShort(10, (short) ar);
    }

    /** The addresses configured for a dotted name, for tests and the CLI banner. */
    public List<Ipv4Address> addressesOf(String name) {
        int i = indexOfName(DnsNames.toWire(name));
        if (i < 0) return List.of();
        return Arrays.stream(addresses[i]).mapToObj(Ipv4Address::new).toList();
    }

    private int indexOfName(byte[] w) {
        for (int i = 0; i < names.length; i++) if (Arrays.equals(names[i], w)) return i;
        return -1;
    }
}
