package io.jstack.dns;

import static io.jstack.dns.DnsPacket.*;
import static io.jstack.dns.DnsQueries.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jstack.wire.Ipv4Address;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The responder's answer for every response code, checked octet by octet. */
class DnsResponderTest {
    static final Ipv4Address HOST = Ipv4Address.parse("10.0.0.2");
    final DnsResponder responder = new DnsResponder(DnsConfig.of(List.of(
            new DnsConfig.Entry("jstack.test", HOST),
            new DnsConfig.Entry("www.example.org", Ipv4Address.parse("192.0.2.1")),
            new DnsConfig.Entry("www.example.org", Ipv4Address.parse("192.0.2.2")))));

    /** A response taken apart just enough for the assertions. */
    record Response(ByteBuffer b, int length) {
        int id()      { return Short.toUnsignedInt(b.getShort(0)); }
        int flags()   { return Short.toUnsignedInt(b.getShort(2)); }
        int rcode()   { return flags() & 0xf; }
        boolean has(int flag) { return (flags() & flag) != 0; }
        int qd()      { return Short.toUnsignedInt(b.getShort(4)); }
        int an()      { return Short.toUnsignedInt(b.getShort(6)); }
        int ns()      { return Short.toUnsignedInt(b.getShort(8)); }
        int ar()      { return Short.toUnsignedInt(b.getShort(10)); }
        byte[] bytes(int from, int to) { return Arrays.copyOfRange(b.array(), from, to); }
    }

    Response ask(byte[] query) {
        ByteBuffer out = ByteBuffer.allocate(DnsResponder.MAX_RESPONSE);
        int n = responder.respond(ByteBuffer.wrap(query), 0, query.length, out);
        if (n < 0) return null;
        assertTrue(n >= HEADER_LENGTH && n <= DnsResponder.MAX_RESPONSE, "length " + n);
        return new Response(out, n);
    }

    long count(DnsCounter c) {
        return responder.counters().get(c);
    }

    @Test
    void answersTheARecordAuthoritativelyWithRdCopied() {
        byte[] q = queryA(0xbeef, "jstack.test");
        Response r = ask(q);
        assertEquals(0xbeef, r.id());
        assertTrue(r.has(QR), "QR");
        assertTrue(r.has(AA), "AA: we are the authority");
        assertTrue(r.has(RD), "RD copied");
        assertFalse(r.has(TC), "TC never");
        assertFalse(r.has(RA), "we do not recurse");
        assertEquals(NOERROR, r.rcode());
        assertEquals(1, r.qd());
        assertEquals(1, r.an());
        assertEquals(0, r.ns());
        // The question is echoed as asked.
        assertArrayEquals(Arrays.copyOfRange(q, 12, q.length), r.bytes(12, q.length));
        int a = q.length;
        assertEquals(0xc00c, Short.toUnsignedInt(r.b().getShort(a)), "owner: pointer to the question name");
        assertEquals(TYPE_A, r.b().getShort(a + 2));
        assertEquals(CLASS_IN, r.b().getShort(a + 4));
        assertEquals(300, r.b().getInt(a + 6), "TTL");
        assertEquals(4, r.b().getShort(a + 10));
        assertEquals(HOST.value(), r.b().getInt(a + 12));
        assertEquals(a + 16, r.length());
        assertEquals(1, count(DnsCounter.dnsOutNoError));
    }

    @Test
    void rdClearInTheQueryIsClearInTheAnswer() {
        Response r = ask(query(1, 0, "jstack.test", TYPE_A, CLASS_IN));
        assertFalse(r.has(RD));
        assertEquals(NOERROR, r.rcode());
    }

    /** RFC 4343: names compare case-insensitively, and the question keeps the asker's case (0x20 bits). */
    @Test
    void rfc4343MatchesIgnoringCaseAndEchoesTheQuestionCase() {
        byte[] q = queryA(7, "JsTaCk.TeSt");
        Response r = ask(q);
        assertEquals(NOERROR, r.rcode());
        assertEquals(1, r.an());
        assertArrayEquals(Arrays.copyOfRange(q, 12, q.length), r.bytes(12, q.length));
    }

    @Test
    void answersEveryAddressOfAName() {
        byte[] q = queryA(7, "www.example.org");
        Response r = ask(q);
        assertEquals(2, r.an());
        assertEquals(Ipv4Address.parse("192.0.2.1").value(), r.b().getInt(q.length + 12));
        assertEquals(Ipv4Address.parse("192.0.2.2").value(), r.b().getInt(q.length + 16 + 12));
    }

    /** RFC 1035 §4.1.1 RCODE 3 and RFC 2308 §3: NXDOMAIN for a name in our zone, with the zone's SOA. */
    @Test
    void rfc2308_3NxDomainInOurZoneCarriesTheSoa() {
        byte[] q = queryA(9, "nope.jstack.test");
        Response r = ask(q);
        assertEquals(NXDOMAIN, r.rcode());
        assertTrue(r.has(AA));
        assertEquals(0, r.an());
        assertEquals(1, r.ns());
        int s = q.length;
        // Owner: a pointer to "jstack.test" inside the question ("nope" is 5 octets after offset 12).
        assertEquals(0xc000 | 17, Short.toUnsignedInt(r.b().getShort(s)));
        assertEquals(TYPE_SOA, r.b().getShort(s + 2));
        assertEquals(60, r.b().getInt(s + 6), "RFC 2308 §5: negative TTL");
        int rdlength = r.b().getShort(s + 10);
        assertEquals(s + 12 + rdlength, r.length());
        assertEquals(60, r.b().getInt(r.length() - 4), "SOA MINIMUM");
        assertEquals(1, count(DnsCounter.dnsOutNxDomain));
    }

    @Test
    void theParentDomainIsAZoneToo() {
        assertEquals(NXDOMAIN, ask(queryA(1, "other.test")).rcode());
        assertEquals(NXDOMAIN, ask(queryA(1, "mail.example.org")).rcode());
        assertEquals(NXDOMAIN, ask(queryA(1, "a.b.www.example.org")).rcode());
        assertEquals(List.of("www.example.org", "jstack.test", "example.org", "test"), responder.zones());
    }

    @Test
    void existingNameWithoutThatTypeIsNoDataWithTheSoa() {
        Response r = ask(query(1, RD, "jstack.test", 28, CLASS_IN)); // AAAA
        assertEquals(NOERROR, r.rcode());
        assertEquals(0, r.an());
        assertEquals(1, r.ns());
        Response apex = ask(query(1, RD, "example.org", TYPE_A, CLASS_IN));
        assertEquals(NOERROR, apex.rcode(), "a zone apex exists");
        assertEquals(0, apex.an());
    }

    @Test
    void soaQueryAtTheApexIsAnswered() {
        Response r = ask(query(1, 0, "test", TYPE_SOA, CLASS_IN));
        assertEquals(NOERROR, r.rcode());
        assertEquals(1, r.an());
        assertEquals(0, r.ns());
    }

    /** RFC 1035 §4.1.1 RCODE 5: names outside our zones are refused, not answered. */
    @Test
    void rfc1035_4_1_1RefusedOutsideOurZones() {
        byte[] q = queryA(3, "example.com");
        Response r = ask(q);
        assertEquals(REFUSED, r.rcode());
        assertFalse(r.has(AA), "not an authority for it");
        assertTrue(r.has(RD));
        assertEquals(1, r.qd());
        assertEquals(0, r.an() + r.ns());
        assertEquals(q.length, r.length());
        assertEquals(REFUSED, ask(queryA(3, "jstack.testing")).rcode(), "suffix on a label boundary only");
        assertEquals(REFUSED, ask(queryA(3, ".")).rcode());
        assertEquals(REFUSED, ask(query(3, 0, "jstack.test", TYPE_A, 3)).rcode(), "CHAOS class");
        assertEquals(4, count(DnsCounter.dnsOutRefused));
    }

    /** RFC 1035 §4.1.1 RCODE 4: opcodes other than QUERY are not implemented. */
    @Test
    void rfc1035_4_1_1NotImpForOtherOpcodes() {
        for (int opcode : new int[] {1, 2, 4, 5, 15}) {
            Response r = ask(query(5, (opcode << 11) | RD, "jstack.test", TYPE_A, CLASS_IN));
            assertEquals(NOTIMP, r.rcode(), "opcode " + opcode);
            assertEquals(opcode, (r.flags() >>> 11) & 0xf, "opcode copied");
            assertTrue(r.has(QR));
            assertTrue(r.has(RD));
            assertEquals(HEADER_LENGTH, r.length());
        }
        assertEquals(5, count(DnsCounter.dnsOutNotImp));
    }

    /** RFC 1035 §4.1.1 RCODE 1: a query we cannot interpret gets FORMERR, with its ID. */
    @Test
    void rfc1035_4_1_1FormErrForMalformedQueries() {
        byte[] good = queryA(0x4242, "jstack.test");
        // Truncated inside the question.
        assertFormErr(Arrays.copyOf(good, good.length - 1), DnsCounter.dnsBadTruncated);
        assertFormErr(Arrays.copyOf(good, 14), DnsCounter.dnsBadTruncated);
        // No question, two questions.
        assertFormErr(message(0x4242, 0, 0, 0, 0, 0), DnsCounter.dnsBadQuestionCount);
        assertFormErr(message(0x4242, 0, 2, 0, 0, 0, question("a.test", 1, 1), question("b.test", 1, 1)),
                DnsCounter.dnsBadQuestionCount);
        // Counts that lie: an answer announced but absent; 65535 additional records announced.
        assertFormErr(message(0x4242, 0, 1, 1, 0, 0, question("jstack.test", 1, 1)), DnsCounter.dnsBadCount);
        assertFormErr(message(0x4242, 0, 1, 0, 0, 0xffff, question("jstack.test", 1, 1)), DnsCounter.dnsBadCount);
        // A record cut inside its RDATA.
        byte[] rr = record("jstack.test", TYPE_A, 1, new byte[4]);
        assertFormErr(message(0x4242, 0, 1, 0, 0, 1, question("jstack.test", 1, 1), Arrays.copyOf(rr, rr.length - 1)),
                DnsCounter.dnsBadTruncated);
        // Hostile names.
        byte[] loop = message(0x4242, 0, 1, 0, 0, 0, new byte[] {(byte) 0xc0, 12, 0, 1, 0, 1});
        assertFormErr(loop, DnsCounter.dnsBadPointerLoop);
        byte[] label64 = new byte[70];
        label64[0] = 64;
        assertFormErr(message(0x4242, 0, 1, 0, 0, 0, label64), DnsCounter.dnsBadLabel);
        byte[] huge = new byte[300];
        for (int i = 0; i < 4; i++) huge[i * 64] = 63;
        assertFormErr(message(0x4242, 0, 1, 0, 0, 0, huge), DnsCounter.dnsBadNameLength);
        // RFC 6891 §6.1.1: two OPT records, or an OPT in the answer section.
        assertFormErr(message(0x4242, 0, 1, 0, 0, 2, question("jstack.test", 1, 1), opt(1232, 0, false),
                opt(1232, 0, false)), DnsCounter.dnsBadOpt);
        assertFormErr(message(0x4242, 0, 1, 1, 0, 0, question("jstack.test", 1, 1), opt(1232, 0, false)),
                DnsCounter.dnsBadOpt);
        assertEquals(12, count(DnsCounter.dnsOutFormErr));
    }

    void assertFormErr(byte[] q, DnsCounter reason) {
        long before = count(reason);
        Response r = ask(q);
        assertNotNull(r);
        assertEquals(FORMERR, r.rcode());
        assertEquals(0x4242, r.id());
        assertTrue(r.has(QR));
        assertEquals(HEADER_LENGTH, r.length());
        assertEquals(before + 1, count(reason), reason.name());
    }

    @Test
    void messagesWithoutAHeaderAndResponsesAreDroppedAndCounted() {
        for (int n = 0; n < HEADER_LENGTH; n++) assertNull(ask(new byte[n]));
        assertEquals(12, count(DnsCounter.dnsInTooShort));
        assertNull(ask(query(1, QR | AA, "jstack.test", TYPE_A, CLASS_IN)), "never answer a response");
        assertEquals(1, count(DnsCounter.dnsInResponses));
        assertEquals(13, count(DnsCounter.dnsInMessages));
    }

    @Test
    void recordsInOtherSectionsAreSkippedIncludingCompressedOwners() {
        byte[] q = message(1, 0, 1, 0, 1, 0, question("jstack.test", 1, 1),
                new byte[] {(byte) 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4});
        Response r = ask(q);
        assertEquals(NOERROR, r.rcode());
        assertEquals(1, r.an());
    }

    /** RFC 6891 §6.1.1, §7: an OPT in the query gets our OPT in the answer, DO copied (RFC 3225 §3). */
    @Test
    void rfc6891EdnsQueryGetsAnOptRecordBack() {
        byte[] q = message(1, RD, 1, 0, 0, 1, question("jstack.test", 1, 1), opt(4096, 0, true));
        Response r = ask(q);
        assertEquals(NOERROR, r.rcode());
        assertEquals(1, r.an());
        assertEquals(1, r.ar());
        int o = r.length() - 11;
        assertEquals(0, r.b().get(o), "root owner");
        assertEquals(TYPE_OPT, r.b().getShort(o + 1));
        assertEquals(1232, r.b().getShort(o + 3), "our payload size");
        assertEquals(0x8000, r.b().getInt(o + 5), "version 0, DO copied");
    }

    /** RFC 6891 §6.1.3: an EDNS version we do not implement gets BADVERS (16): 0 in the header, 1 in OPT. */
    @Test
    void rfc6891_6_1_3UnknownEdnsVersionGetsBadVers() {
        Response r = ask(message(1, RD, 1, 0, 0, 1, question("jstack.test", 1, 1), opt(4096, 1, false)));
        assertEquals(0, r.rcode());
        assertEquals(0, r.an());
        assertEquals(1, r.ar());
        assertEquals(1, r.b().get(r.length() - 11 + 5) & 0xff, "extended RCODE: 16 >> 4");
        assertEquals(1, count(DnsCounter.dnsOutBadVers));
    }

    @Test
    void everyAnswerFitsIn512OctetsSoTcIsNeverNeeded() {
        // The longest name (255 octets) asking ANY at a configured apex with the most addresses, plus OPT.
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < 3; i++) name.append("a".repeat(63)).append('.');
        name.append("b".repeat(61));
        var entries = new java.util.ArrayList<DnsConfig.Entry>();
        for (int i = 0; i < DnsConfig.MAX_ADDRESSES_PER_NAME; i++) {
            entries.add(new DnsConfig.Entry(name.toString(), new Ipv4Address(0x0a000001 + i)));
        }
        var big = new DnsResponder(DnsConfig.of(entries));
        byte[] q = message(1, 0, 1, 0, 0, 1, question(name.toString(), TYPE_ANY, CLASS_IN), opt(512, 0, false));
        ByteBuffer out = ByteBuffer.allocate(DnsResponder.MAX_RESPONSE);
        int n = big.respond(ByteBuffer.wrap(q), 0, q.length, out);
        assertTrue(n > 0 && n <= 512, "length " + n);
        assertEquals(DnsConfig.MAX_ADDRESSES_PER_NAME + 1, out.getShort(6), "every A plus the SOA");
        assertThrows(IllegalArgumentException.class, () -> {
            var more = new java.util.ArrayList<>(entries);
            more.add(new DnsConfig.Entry(name.toString(), new Ipv4Address(1)));
            DnsConfig.of(more);
        });
    }

    @Test
    void configEntriesParseFromTheCommandLineForm() {
        assertEquals(new DnsConfig.Entry("a.test", Ipv4Address.parse("10.0.0.9")), DnsConfig.Entry.parse("a.test=10.0.0.9"));
        assertThrows(IllegalArgumentException.class, () -> DnsConfig.Entry.parse("a.test"));
        assertThrows(IllegalArgumentException.class, () -> DnsConfig.Entry.parse("a..test=10.0.0.9"));
        assertThrows(IllegalArgumentException.class, () -> DnsConfig.Entry.parse("a.test=10.0.0.300"));
        assertThrows(IllegalArgumentException.class, () -> DnsConfig.Entry.parse("x".repeat(64) + ".test=10.0.0.9"));
    }
}
