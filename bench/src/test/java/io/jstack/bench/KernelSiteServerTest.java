package io.jstack.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** bench/run's "kernel + jstack HTTP" peer serves the pages the harness fetches, on loopback. */
class KernelSiteServerTest {
    @Test
    void servesBytesAndEchoOnAKernelSocket() throws Exception {
        var server = KernelSiteServer.start(InetAddress.getLoopbackAddress(), 0);
        try (var client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            String base = "http://127.0.0.1:" + server.localAddress().getPort();
            var bytes = client.send(HttpRequest.newBuilder(URI.create(base + "/bytes/100")).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, bytes.statusCode());
            assertEquals(100, bytes.body().length);
            assertEquals(99, bytes.body()[99]); // byte i is i mod 251
            byte[] up = Packets.payload(100_000, 7);
            var echo = client.send(HttpRequest.newBuilder(URI.create(base + "/echo")).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(up)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, echo.statusCode());
            assertEquals(java.util.Arrays.toString(up), java.util.Arrays.toString(echo.body()));
        } finally {
            server.close();
        }
    }
}
