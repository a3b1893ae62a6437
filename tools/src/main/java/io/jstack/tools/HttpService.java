package io.jstack.tools;

import io.jstack.host.Host;
import io.jstack.http.HttpServer;
import io.jstack.http.ServerOptions;
import io.jstack.http.gateway.Application;
import io.jstack.http.middleware.AccessLog;
import io.jstack.http.middleware.StaticFiles;
import io.jstack.http.site.DefaultSite;
import io.jstack.http.site.HostInfo;
import io.jstack.socket.TcpListener;
import io.jstack.tcp.TcpLayer;
import io.jstack.wire.IpProtocol;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The HTTP server on the virtual host's own TCP: the default site (or {@code --app CLASS}), static files from
 * {@code --docroot} in front of it, and an access log ({@code --access-log FILE}, "-" for standard output).
 */
public final class HttpService implements AutoCloseable {
    /**
     * @param port      the TCP port (80 by default)
     * @param docroot   a directory served as static files in front of the application
     * @param appClass  an {@link Application} class with a public no-argument constructor, instead of the site
     * @param accessLog where the access log goes ("-": standard output)
     */
    public record Options(int port, Optional<Path> docroot, Optional<String> appClass, Optional<String> accessLog) {
        public Options {
            if (port < 1 || port > 65535) throw new IllegalArgumentException("--http-port must be 1-65535, not " + port);
            docroot.ifPresent(d -> {
                if (!java.nio.file.Files.isDirectory(d)) throw new IllegalArgumentException("--docroot " + d + " is not a directory");
            });
        }

        public static Options defaults() {
            return new Options(80, Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    private final HttpServer server;
    private final PrintStream logFile;

    private HttpService(HttpServer server, PrintStream logFile) {
        this.server = server;
        this.logFile = logFile;
    }

    /** Starts serving on {@code host}, whose loop must be running and which must have TCP installed. */
    public static HttpService start(Host host, Options o, String description) throws IOException {
        if (!(host.ip().handler(IpProtocol.TCP.code()) instanceof TcpLayer tcp))
            throw new IllegalStateException("TCP is not installed on the host");
        HttpServer[] self = new HttpServer[1];
        String address = io.jstack.wire.Ipv4Address.toString(host.address());
        HostInfo info = HostInfo.of(description, address, Clock.systemUTC(), () -> {
            var all = new LinkedHashMap<String, Map<String, Long>>(countersOnLoop(host));
            if (self[0] != null) all.put("Http", self[0].stats().snapshot());
            return all;
        });
        Application app;
        if (o.appClass().isPresent()) app = load(o.appClass().get());
        else {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            app = DefaultSite.standard(info, key, Clock.systemUTC());
        }
        if (o.docroot().isPresent()) app = new StaticFiles(o.docroot().get(), app);
        PrintStream logFile = null;
        if (o.accessLog().isPresent()) {
            String where = o.accessLog().get();
            logFile = where.equals("-") ? null : new PrintStream(new FileOutputStream(where, true), true, StandardCharsets.UTF_8);
            PrintStream sink = logFile != null ? logFile : System.out;
            Consumer<String> lines = line -> {
                synchronized (sink) {
                    sink.println(line);
                }
            };
            app = new AccessLog(lines, Clock.systemDefaultZone()).apply(app);
        }
        TcpListener listener = TcpListener.bind(tcp, o.port(), 0);
        self[0] = HttpServer.start(listener, app, ServerOptions.defaults());
        return new HttpService(self[0], logFile);
    }

    public HttpServer server() {
        return server;
    }

    /** The host's counters, read on its loop thread (which owns them); empty if the loop does not answer. */
    static Map<String, Map<String, Long>> countersOnLoop(Host host) {
        var f = new CompletableFuture<Map<String, Map<String, Long>>>();
        host.execute(() -> f.complete(host.counters()));
        try {
            return f.get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
            return Map.of();
        }
    }

    static Application load(String className) {
        try {
            Object o = Class.forName(className).getDeclaredConstructor().newInstance();
            if (o instanceof Application a) return a;
            throw new IllegalArgumentException("--app " + className + " is not an io.jstack.http.gateway.Application");
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("--app " + className + ": " + e, e);
        }
    }

    /** Graceful: requests in flight get up to five seconds. */
    @Override
    public void close() {
        try {
            server.close(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (logFile != null) logFile.close();
        }
    }
}
