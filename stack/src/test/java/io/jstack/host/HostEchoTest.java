package io.jstack.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jstack.ip.Ipv4Config;
import io.jstack.link.MemoryLink;
import io.jstack.time.ManualClock;
import io.jstack.wire.Checksum;
import io.jstack.wire.Ipv4Address;
import io.jstack.wire.Ipv4Packet;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HostEchoTest {
    static final int HOST = Ipv4Address.parse("10.0.0.2").value();
    static final int PEER = Ipv4Address.parse("10.0.0.1").value();

    static byte[] echoRequest(int src, int dst, int id, int seq, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(28 + data.length);
        b.put(20, (byte) 8);
        b.putShort(24, (short) id);
        b.putShort(26, (short) seq);
        b.put(28, data);
        b.putShort(22, (short) Checksum.compute(b, 20, 8 + data.length));
        Ipv4Packet.emit(b, 0, b.capacity(), 1, 0, 64, 1, src, dst);
        return b.array();
    }

    @Test
    void echoRequestToOurAddressIsAnsweredWithTheSameIdentifierSequenceAndData() {
        var clock = new ManualClock();
        var net = MemoryLink.pair();
        var host = new Host(HOST, net.a(), clock, Ipv4Config.defaults());
        byte[] data = "abcdefghijklmnopqrstuvwxyz".getBytes();
        net.b().send(echoRequest(PEER, HOST, 0x1234, 7, data));
        host.poll();
        byte[] reply = net.b().receive();
        assertNotNull(reply);
        ByteBuffer r = ByteBuffer.wrap(reply);
        Ipv4Packet ip = new Ipv4Packet().wrap(r, 0);
        assertEquals(io.jstack.wire.Malformed.NONE, ip.check());
        assertEquals(PEER, ip.destination());
        assertEquals(HOST, ip.source());
        assertEquals(0, r.get(20));
        assertEquals(0x1234, r.getShort(24));
        assertEquals(7, r.getShort(26));
        assertArrayEquals(data, Arrays.copyOfRange(reply, 28, reply.length));
        assertEquals(0, Checksum.compute(r, 20, reply.length - 20));
        assertNull(net.b().receive());
    }
}
