package io.jstack.tcp;

import static io.jstack.tcp.TcpPeer.bytes;
import static io.jstack.tcp.TcpPeer.flags;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstack.wire.TcpFlag;
import io.jstack.wire.TcpHeader;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Urgent data (RFC 9293 §3.8.5, RFC 1122 §4.2.2.4, RFC 6093): sent with URG, received inline with a mark. */
class TcpUrgentTest {

    @Test
    void urgentPointerNamesTheOctetAfterTheUrgentDataRfc9293Section3_8_5Must62() {
        var p = TcpPeer.start().established();
        assertEquals(10, p.conn.sendUrgent(bytes(10), 0, 10, p.now()));
        var s = p.expect();
        assertTrue(s.has(TcpFlag.URG));
        assertEquals(10, s.h().urgentPointer()); // the first non-urgent octet, as Linux
        assertArrayEquals(bytes(10), s.data());
        p.expectNothing();
    }

    @Test
    void everySegmentBeforeTheEndOfUrgentDataCarriesUrgRfc9293Section3_8_5Must30() {
        var p = TcpPeer.start().established();
        assertEquals(3000, p.conn.sendUrgent(bytes(3000), 0, 3000, p.now()));
        int sent = 0;
        while (sent < 3000) {
            var s = p.expect();
            assertTrue(s.has(TcpFlag.URG), "segment at +" + sent);
            assertEquals(3000 - sent, s.h().urgentPointer()); // relative to each segment's sequence number
            sent += s.data().length;
        }
        p.expectNothing();
        p.ack(p.iss + 1 + 3000, 65535);
        p.write(bytes(10)); // urgent mode ended with the acknowledgment
        var after = p.expect();
        assertFalse(after.has(TcpFlag.URG));
        assertEquals(0, after.h().urgentPointer());
    }

    @Test
    void ordinaryDataIsNeverUrgentRfc9293Section3_8_5() {
        var p = TcpPeer.start().established();
        p.write(bytes(10));
        assertFalse(p.expect().has(TcpFlag.URG));
        assertFalse(p.conn.urgentPending());
        assertFalse(p.conn.atUrgentMark());
    }

    @Test
    void applicationHearsOfUrgentDataOnceItsLastOctetArrivedRfc9293Section3_8_5Must32() {
        var p = TcpPeer.start().established();
        p.sendData(bytes(100));
        assertFalse(p.conn.urgentPending()); // ordinary data announces nothing
        // 1000 octets whose urgent pointer reaches into the next segment: the mark has not arrived yet.
        p.send(new TcpHeader(TcpPeer.PEER_PORT, TcpPeer.PORT, p.sndNxt, p.rcvNxtOfHost(),
                flags(TcpFlag.ACK, TcpFlag.URG), 65535, 2000, -1, -1), bytes(1000));
        p.sndNxt += 1000;
        assertFalse(p.conn.urgentPending());
        p.send(new TcpHeader(TcpPeer.PEER_PORT, TcpPeer.PORT, p.sndNxt, p.rcvNxtOfHost(),
                flags(TcpFlag.ACK, TcpFlag.URG), 65535, 1000, -1, -1), bytes(1000));
        p.sndNxt += 1000;
        assertTrue(p.conn.urgentPending());
        // Urgent data stays inline (RFC 6093 §6): reading stops in front of the mark, the last urgent octet.
        assertEquals(100 + 1999, p.read().length);
        assertTrue(p.conn.urgentPending());
        assertTrue(p.conn.atUrgentMark());
        assertEquals(1, p.read().length);
        assertFalse(p.conn.urgentPending()); // read past it: nothing left to announce
        assertFalse(p.conn.atUrgentMark());
    }

    @Test
    void applicationCountsUrgentDataByReadingUpToTheMarkRfc9293Section3_8_5Must33() {
        var p = TcpPeer.start().established();
        byte[] data = bytes(10);
        p.send(new TcpHeader(TcpPeer.PEER_PORT, TcpPeer.PORT, p.sndNxt, p.rcvNxtOfHost(),
                flags(TcpFlag.ACK, TcpFlag.URG), 65535, 6, -1, -1), data);
        p.sndNxt += 10;
        assertFalse(p.conn.atUrgentMark());
        byte[] first = p.read();
        assertArrayEquals(Arrays.copyOf(data, 5), first); // 5 octets, then the mark: 6 urgent octets
        assertTrue(p.conn.atUrgentMark());
        assertArrayEquals(Arrays.copyOfRange(data, 5, 10), p.read());
        assertFalse(p.conn.atUrgentMark());
        assertFalse(p.conn.urgentPending());
    }

    @Test
    void urgIsProcessedWithAZeroReceiveWindowRfc9293Section3_10_7_4Must66() {
        var p = TcpPeer.start(TcpConfig.defaults().withBuffers(4096, 4096)).established();
        for (int sent = 0; sent < 4096; sent += 1024) p.sendData(bytes(1024));
        assertEquals(0, p.conn.rcv.window());
        // The window is shut: the data is not taken, but the urgent pointer is.
        p.send(new TcpHeader(TcpPeer.PEER_PORT, TcpPeer.PORT, p.sndNxt, p.rcvNxtOfHost(),
                flags(TcpFlag.ACK, TcpFlag.URG), 65535, 5, -1, -1), bytes(10));
        assertFalse(p.conn.urgentPending()); // its last octet has not arrived yet
        assertEquals(4096, p.read().length);
        p.sendData(bytes(10)); // sent again, without URG, once the window opened
        assertTrue(p.conn.urgentPending());
        assertEquals(4, p.read().length);
        assertTrue(p.conn.atUrgentMark());
    }

    @Test
    void anUrgentPointerBehindReceivedDataIsIgnoredRfc9293Section3_10_7_4() {
        var p = TcpPeer.start().established();
        p.sendData(bytes(10));
        assertEquals(10, p.read().length);
        // Old and new data with URG: its mark is in the old part, behind RCV.NXT, and announces nothing.
        p.send(new TcpHeader(TcpPeer.PEER_PORT, TcpPeer.PORT, p.sndNxt - 10, p.rcvNxtOfHost(),
                flags(TcpFlag.ACK, TcpFlag.URG), 65535, 5, -1, -1), bytes(20));
        p.sndNxt += 10;
        assertEquals(10, p.read().length);
        assertFalse(p.conn.urgentPending());
        assertFalse(p.conn.atUrgentMark());
    }
}
