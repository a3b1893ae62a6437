package io.jstack.icmp;

import static io.jstack.ip.Datagrams.HOST;
import static io.jstack.ip.Datagrams.PEER;
import static io.jstack.ip.Datagrams.echoRequest;
import static io.jstack.ip.Datagrams.fragment;
import static io.jstack.ip.Datagrams.ipv4;
import static io.jstack.ip.Datagrams.joinFragments;
import static io.jstack.ip.Datagrams.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jstack.ip.TestHost;
import io.jstack.wire.Checksum;
import io.jstack.wire.Ipv4Address;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 1122 §3.2.2.6: Record Route and Timestamp options of an echo request come back, updated, in the reply. */
class EchoOptionsTest {
    static final byte[] DATA = pattern(56, 3);
    static final String HOST_HEX = "0a000002";
    static final int OTHER = Ipv4Address.parse("192.0.2.7").value();

    static byte[] options(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    /** Sends an echo request with these options and returns the one reply, after checking its ICMP part. */
    static byte[] reply(TestHost t, byte[] opts) {
        t.send(ipv4(PEER, HOST, 1, 7, 0, 64, opts, echoRequest(0x1234, 1, DATA)));
        List<byte[]> out = t.sent();
        assertEquals(1, out.size(), "one echo reply");
        byte[] r = out.get(0);
        int hl = (r[0] & 0x0f) * 4;
        ByteBuffer b = ByteBuffer.wrap(r);
        assertEquals(0, Checksum.compute(b, 0, hl), "header checksum over the options too");
        assertEquals(r.length, b.getShort(2), "total length");
        assertEquals(0, r[hl], "echo reply");
        assertEquals((short) 0x1234, b.getShort(hl + 4));
        assertArrayEquals(DATA, Arrays.copyOfRange(r, hl + 8, r.length));
        assertEquals(0, Checksum.compute(b, hl, r.length - hl));
        return r;
    }

    static String optionsOf(byte[] reply) {
        return HexFormat.of().formatHex(Arrays.copyOfRange(reply, 20, (reply[0] & 0x0f) * 4));
    }

    @Test
    void rfc1122Section3226RecordRouteIsReflectedWithOurAddressRecorded() {
        var t = new TestHost();
        // Record Route, length 11, pointer 4: two empty slots; one EOL pads it to 12 (the conformance script's).
        byte[] r = reply(t, options("07 0b 04 00000000 00000000 00"));
        assertEquals(0x48, r[0], "IHL 8");
        assertEquals("070b08" + HOST_HEX + "00000000" + "00", optionsOf(r));
        assertEquals(1, t.icmp(IcmpCounter.icmpOutEchoRepsWithOptions));
    }

    @Test
    void rfc1122Section3226FullRecordRouteIsReflectedUnchanged() {
        var t = new TestHost();
        byte[] r = reply(t, options("07 07 08 c0000207 00"));
        assertEquals("070708c0000207" + "00", optionsOf(r));
    }

    @Test
    void rfc1122Section3226NoOperationAndUnknownOptionsAreNotReflected() {
        var t = new TestHost();
        // NOP, NOP, Record Route with one slot, an unknown option 0x99 of length 3, EOL: 16 bytes in.
        byte[] r = reply(t, options("01 01 07 07 04 00000000 99 03 00 00 00 00 00"));
        assertEquals(0x47, r[0], "IHL 7: Record Route alone, padded to 8");
        assertEquals("070708" + HOST_HEX + "00", optionsOf(r));
        // Options with nothing to reflect give a plain 20-byte header.
        assertEquals(0x45, reply(t, options("01 01 01 00"))[0]);
    }

    @Test
    void rfc1122Section3226TimestampOnlyGetsOurTimeWithTheNonStandardBit() {
        var t = new TestHost(); // its clock reads 1 s: 1000 ms, and we have no midnight UT
        byte[] r = reply(t, options("44 0c 05 00 00000000 00000000"));
        assertEquals("440c0900" + "800003e8" + "00000000", optionsOf(r));
    }

    @Test
    void rfc1122Section3226TimestampWithAddressesGetsOurAddressAndTime() {
        var t = new TestHost();
        byte[] r = reply(t, options("44 14 05 01 0000000000000000 0000000000000000"));
        assertEquals("44140d01" + HOST_HEX + "800003e8" + "0000000000000000", optionsOf(r));
    }

    @Test
    void rfc1122Section3226PrespecifiedTimestampIsFilledOnlyWhenTheNextAddressIsOurs() {
        var t = new TestHost();
        byte[] ours = reply(t, options("44 14 05 03" + HOST_HEX + "00000000 c0000207 00000000"));
        assertEquals("44140d03" + HOST_HEX + "800003e8" + "c000020700000000", optionsOf(ours));
        byte[] theirs = reply(t, options("44 14 05 03 c0000207 00000000" + HOST_HEX + "00000000"));
        assertEquals("44140503c000020700000000" + HOST_HEX + "00000000", optionsOf(theirs));
    }

    @Test
    void rfc791FullTimestampCountsAnOverflowAndAnOverflowingCountIsMalformed() {
        var t = new TestHost();
        assertEquals("44080d10" + "00000001", optionsOf(reply(t, options("44 08 0d 00 00000001"))));
        assertEquals("440809f0" + "00000001", optionsOf(reply(t, options("44 08 09 e0 00000001"))));
        // Overflow 15 cannot count one more: RFC 791 makes the option an error, so it is left out.
        assertEquals(0x45, reply(t, options("44 08 09 f0 00000001"))[0]);
        assertEquals(1, t.icmp(IcmpCounter.icmpInEchoOptionsMalformed));
    }

    @Test
    void rfc791OptionsBreakingTheirRulesAreLeftOutAndCounted() {
        var t = new TestHost();
        assertEquals(0x45, reply(t, options("07 07 03 00000000 00"))[0], "Record Route pointer below 4");
        assertEquals(0x45, reply(t, options("44 08 04 00 00000000"))[0], "Timestamp pointer below 5");
        assertEquals(0x45, reply(t, options("44 08 05 02 00000000"))[0], "Timestamp flag 2");
        assertEquals(0x45, reply(t, options("07 02 01 00"))[0], "Record Route too short for a pointer");
        assertEquals(4, t.icmp(IcmpCounter.icmpInEchoOptionsMalformed));
        assertEquals(0, t.icmp(IcmpCounter.icmpOutEchoRepsWithOptions));
        assertEquals(0, t.host.internalErrors());
    }

    /** The first fragment's options are the datagram's (RFC 791 §3.2), so a reassembled request's come back. */
    @Test
    void rfc1122Section3226RecordRouteOfAFragmentedRequestComesBack() {
        var t = new TestHost();
        byte[] req = echoRequest(0x1234, 8, pattern(292, 5));
        t.send(ipv4(PEER, HOST, 1, 98, 0x2000, 64, options("07 07 04 00000000 00"), Arrays.copyOf(req, 200)),
                fragment(PEER, HOST, 1, 98, 200, false, Arrays.copyOfRange(req, 200, req.length)));
        List<byte[]> out = t.sent();
        assertEquals(1, out.size());
        byte[] r = out.get(0);
        assertEquals("070708" + HOST_HEX + "00", optionsOf(r));
        assertEquals(0, Checksum.compute(ByteBuffer.wrap(r), 0, 28));
        assertArrayEquals(Arrays.copyOfRange(req, 4, req.length), Arrays.copyOfRange(r, 32, r.length));
    }

    /** RFC 791 §3.2: a reply above the MTU carries the options (copied flag 0) in its first fragment only. */
    @Test
    void rfc1122Section3226LargeReplyCarriesTheOptionsInItsFirstFragment() {
        var t = new TestHost();
        byte[] big = echoRequest(0x1234, 9, pattern(3000, 1));
        byte[] rr = options("07 0b 04 00000000 00000000 00");
        t.send(ipv4(PEER, HOST, 1, 99, 0x2000, 64, rr, Arrays.copyOf(big, 1200)),
                fragment(PEER, HOST, 1, 99, 1200, true, Arrays.copyOfRange(big, 1200, 2400)),
                fragment(PEER, HOST, 1, 99, 2400, false, Arrays.copyOfRange(big, 2400, big.length)));
        List<byte[]> out = t.sent();
        assertEquals(3, out.size(), "3008 bytes of ICMP: 1464 after the 32-byte header, then 1480 and 64");
        assertEquals(1496, out.get(0).length);
        assertEquals("070b08" + HOST_HEX + "00000000" + "00", optionsOf(out.get(0)));
        assertEquals(0, Checksum.compute(ByteBuffer.wrap(out.get(0)), 0, 32));
        assertEquals(0x45, out.get(1)[0]);
        assertEquals(0x45, out.get(2)[0]);
        byte[] echo = joinFragments(out);
        assertEquals(0, echo[0], "echo reply");
        assertEquals(0, Checksum.compute(ByteBuffer.wrap(echo), 0, echo.length));
        assertArrayEquals(Arrays.copyOfRange(big, 4, big.length), Arrays.copyOfRange(echo, 4, echo.length));
        assertEquals(1, t.icmp(IcmpCounter.icmpOutEchoRepsWithOptions));
    }
}
