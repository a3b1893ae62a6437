package io.jstack.socket;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KernelStreamTest {
    @Test
    void bytesFlowBothWaysAndHalfCloseGivesEndOfStream() throws Exception {
        try (var listener = KernelStreamListener.loopback()) {
            assertNotEquals(0, listener.localAddress().getPort());
            var accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return listener.accept();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            try (var client = KernelStreamConnection.connect(listener.localAddress(), Duration.ofSeconds(5));
                    var server = accepted.get(5, TimeUnit.SECONDS)) {
                assertEquals(client.localAddress(), server.remoteAddress());
                client.output().write("hello".getBytes(StandardCharsets.US_ASCII));
                client.shutdownOutput();
                assertEquals("hello", new String(server.input().readAllBytes(), StandardCharsets.US_ASCII));
                server.output().write('!');
                server.output().flush();
                assertEquals('!', client.input().read());
            }
        }
    }

    @Test
    void readTimeoutThrowsSocketTimeoutException() throws Exception {
        try (var listener = KernelStreamListener.loopback();
                var client = KernelStreamConnection.connect(listener.localAddress(), Duration.ofSeconds(5));
                var server = listener.accept()) {
            server.setReadTimeout(Duration.ofMillis(50));
            assertThrows(SocketTimeoutException.class, () -> server.input().read());
            assertNotNull(client.remoteAddress());
        }
    }

    @Test
    void acceptAfterCloseThrows() throws Exception {
        var listener = KernelStreamListener.loopback();
        listener.close();
        assertThrows(IOException.class, listener::accept);
    }
}
