package io.jstack.tools.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class InspectCommandTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(new InspectCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Path capture() throws Exception {
        byte[] none = new byte[0];
        Path f = dir.resolve("c.pcap");
        Files.write(f, Pkt.pcap(ByteOrder.LITTLE_ENDIAN, false, 101,
                Pkt.tcp(Pkt.CLIENT, Pkt.SERVER, 40000, 80, 1, 0, Dissector.SYN, 100, none, none),
                Pkt.tcp(Pkt.SERVER, Pkt.CLIENT, 80, 40000, 9, 2, Dissector.SYN | Dissector.ACK, 100, none, none),
                Pkt.tcp(Pkt.CLIENT, Pkt.SERVER, 40000, 80, 2, 10, Dissector.ACK | Dissector.PSH, 100, none, "GET / HTTP/1.1\r\n\r\n".getBytes())));
        return f;
    }

    @Test
    void summaryFieldsTreeCountAndGraph() throws Exception {
        Path f = capture();
        Run summary = run(f.toString());
        assertEquals(0, summary.exit());
        assertEquals(3, summary.out().lines().count());
        assertTrue(summary.out().lines().toList().get(2).endsWith("HTTP 58 GET / HTTP/1.1 "), summary.out());
        assertEquals("1\t0\n2\t0\n3\t1\n", run(f.toString(), "-T", "fields", "-e", "frame.number", "-e", "tcp.seq").out());
        assertEquals(2, run(f.toString(), "-c", "2").out().lines().count());
        assertTrue(run(f.toString(), "-V").out().contains("Hypertext Transfer Protocol"));
        assertTrue(run(f.toString(), "--graph", "tcptrace,0").out().startsWith("<svg"));
        assertTrue(run(f.toString(), "-q", "--follow", "tcp,0").out().contains("GET / HTTP/1.1"));
    }

    @Test
    void aMissingFileIsExit2_aCorruptOneIsExit1WithItsReason_andBadArgumentsAreRefused() throws Exception {
        Run missing = run(dir.resolve("none.pcap").toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("no such file"), missing.err());
        Path bad = dir.resolve("bad.pcap");
        Files.writeString(bad, "this is not a capture");
        Run corrupt = run(bad.toString());
        assertEquals(1, corrupt.exit());
        assertTrue(corrupt.err().contains("not a pcap or pcapng file"), corrupt.err());
        assertEquals(2, run(capture().toString(), "--follow", "udp,1").exit());
        assertEquals(2, run(capture().toString(), "-z", "expert").exit());
    }
}
