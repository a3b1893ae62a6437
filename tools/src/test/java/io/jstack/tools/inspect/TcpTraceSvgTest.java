package io.jstack.tools.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class TcpTraceSvgTest {
    static List<Packet> transfer() {
        int c = Pkt.CLIENT, s = Pkt.SERVER;
        byte[] none = new byte[0];
        List<Frame> f = new ArrayList<>();
        f.add(Pkt.frame(0, Pkt.tcp(c, s, 40000, 80, 1, 0, Dissector.SYN, 1000, none, none)));
        f.add(Pkt.frame(1, Pkt.tcp(s, c, 80, 40000, 100, 2, Dissector.SYN | Dissector.ACK, 1000, none, none)));
        f.add(Pkt.frame(2, Pkt.tcp(c, s, 40000, 80, 2, 101, Dissector.ACK, 1000, none, none)));
        for (int i = 0; i < 5; i++) f.add(Pkt.frame(3 + i, Pkt.tcp(s, c, 80, 40000, 101 + i * 100, 2, Dissector.ACK, 1000, none, new byte[100])));
        f.add(Pkt.frame(9, Pkt.tcp(c, s, 40000, 80, 2, 601, Dissector.ACK, 1000, none, none)));
        f.add(Pkt.frame(300, Pkt.tcp(s, c, 80, 40000, 401, 2, Dissector.ACK, 1000, none, new byte[100])));
        return InspectCommand.decode(f);
    }

    @Test
    void theGraphIsWellFormedSvgWithOneIBeamPerDataSegment_retransmissionsMarked_andAckAndWindowLines() throws Exception {
        String svg = TcpTraceSvg.render(transfer(), 0);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        NodeList paths = doc.getElementsByTagName("path");
        int segments = 0, retransmissions = 0, acks = 0, windows = 0;
        for (int i = 0; i < paths.getLength(); i++) {
            String cls = ((Element) paths.item(i)).getAttribute("class");
            if (cls.startsWith("segment")) segments++;
            if (cls.contains("retransmission")) retransmissions++;
            if (cls.equals("ack")) acks++;
            if (cls.equals("window")) windows++;
        }
        assertEquals(7, segments, "5 data segments, the retransmission and the SYN-ACK"); // SYN-ACK occupies one number
        assertEquals(1, retransmissions);
        assertEquals(1, acks);
        assertEquals(1, windows);
        assertTrue(svg.contains("10.0.0.2:80 → 10.0.0.1:40000"));
    }

    @Test
    void anUnknownStreamGivesAnSvgThatSaysSo() {
        assertTrue(TcpTraceSvg.render(transfer(), 5).contains("No TCP stream 5"));
    }
}
