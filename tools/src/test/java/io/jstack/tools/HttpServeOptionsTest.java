package io.jstack.tools;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP options of the serve command: --http-port, --no-http, --docroot, --app, --access-log. */
class HttpServeOptionsTest {
    static Optional<HttpService.Options> parse(String... args) {
        var cmd = Main.commandLine();
        cmd.parseArgs(args);
        return ((ServeCommand) cmd.getCommand()).httpOptions();
    }

    @Test
    void httpRunsOnPort80ByDefault() {
        assertEquals(Optional.of(HttpService.Options.defaults()), parse());
        assertEquals(80, HttpService.Options.defaults().port());
    }

    @Test
    void everyOptionIsTakenAndNoHttpSwitchesItOff(@TempDir Path dir) {
        var o = parse("--http-port", "8080", "--docroot", dir.toString(), "--app", "x.Y", "--access-log", "-").orElseThrow();
        assertEquals(new HttpService.Options(8080, Optional.of(dir), Optional.of("x.Y"), Optional.of("-")), o);
        assertEquals(Optional.empty(), parse("--no-http"));
    }

    @Test
    void badHttpOptionsAreOneErrorLineAndExitCode2() {
        String[][] cases = {{"--http-port", "0"}, {"--http-port", "65536"}, {"--docroot", "/nonexistent/js-http"}};
        for (String[] args : cases) {
            var r = ServeCommandTest.run(args);
            assertEquals(Main.EXIT_USAGE, r.code(), String.join(" ", args));
            assertEquals(1, r.err().lines().count(), r.err());
        }
    }

    @Test
    void helpListsTheHttpOptions() {
        var r = ServeCommandTest.run("--help");
        for (String o : new String[] {"--http-port", "--no-http", "--docroot", "--app", "--access-log"})
            assertTrue(r.out().contains(o), o);
    }

    @Test
    void buildHostInstallsTcp() {
        var net = io.jstack.link.MemoryLink.pair();
        var host = ServeCommand.buildHost(ServeOptions.defaults(), net.a(), new io.jstack.time.ManualClock());
        assertInstanceOf(io.jstack.tcp.TcpLayer.class, host.ip().handler(6));
        assertTrue(host.counters().containsKey("Tcp"));
    }

    @Test
    void appClassMustBeAnApplication() {
        assertThrows(IllegalArgumentException.class, () -> HttpService.load("java.lang.String"));
        assertThrows(IllegalArgumentException.class, () -> HttpService.load("no.such.Class"));
    }
}
