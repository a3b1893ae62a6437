package io.jstack.tools.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveTraceTest {
    @Test
    void tracingPrintsTheSameLinesAsInspectingTheCapture() {
        byte[] none = new byte[0];
        List<byte[]> packets = List.of(
                Pkt.ipv4(Pkt.CLIENT, Pkt.SERVER, 1, 1, 0, Pkt.icmpEcho(8, 7, 1, new byte[56])),
                Pkt.ipv4(Pkt.SERVER, Pkt.CLIENT, 1, 2, 0, Pkt.icmpEcho(0, 7, 1, new byte[56])),
                Pkt.tcp(Pkt.CLIENT, Pkt.SERVER, 50000, 80, 10, 0, Dissector.SYN, 64240, Pkt.synOptions(1460, 7), none),
                new byte[] {0x45, 0, 0});
        List<String> traced = new ArrayList<>();
        LiveTrace trace = new LiveTrace(traced::add, false);
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < packets.size(); i++) {
            byte[] framed = new byte[packets.get(i).length + 4];
            System.arraycopy(packets.get(i), 0, framed, 2, packets.get(i).length);
            trace.onPacket(5_000_000_000L + i * 1_000_000L, framed, 2, packets.get(i).length);
            frames.add(new Frame(101, 5_000_000_000L + i * 1_000_000L, 9, packets.get(i).length, packets.get(i)));
        }
        List<String> inspected = InspectCommand.decode(frames).stream().map(InspectCommand::summary).toList();
        assertEquals(inspected, traced);
        assertTrue(traced.get(1).endsWith("(request in 1)"), traced.get(1));
        assertTrue(traced.get(3).endsWith("[Malformed Packet]"), traced.get(3));
    }
}
