package io.jstack.bench;

import io.jstack.http.HttpServer;
import io.jstack.http.ServerOptions;
import io.jstack.http.site.DefaultSite;
import io.jstack.http.site.HostInfo;
import io.jstack.socket.KernelStreamListener;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;

/**
 * jstack's HTTP server and default site on the kernel's TCP sockets: the "kernel + jstack HTTP" peer of
 * bench/run, so that the end-to-end table separates the cost of jstack's TCP/IP and the TUN device from the cost
 * of the HTTP server. Serves until killed.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.jstack.bench.KernelSiteServer ADDRESS PORT</pre>
 */
public final class KernelSiteServer {
    private KernelSiteServer() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: KernelSiteServer ADDRESS PORT");
            System.exit(2);
        }
        HttpServer server = start(InetAddress.getByName(args[0]), Integer.parseInt(args[1]));
        System.out.println("serving http://" + args[0] + ":" + server.localAddress().getPort() + "/ on kernel sockets");
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        Thread.currentThread().join();
    }

    /** Starts the default site on a kernel socket bound to {@code address}:{@code port} (0: any free port). */
    static HttpServer start(InetAddress address, int port) throws java.io.IOException {
        Clock clock = Clock.systemUTC();
        byte[] sessionKey = new byte[32];
        new SecureRandom().nextBytes(sessionKey);
        String a = address.getHostAddress();
        HostInfo host = HostInfo.of("jstack HTTP on kernel sockets, " + a, a, clock, Map::of);
        return HttpServer.start(KernelStreamListener.bind(address, port, 4096),
                DefaultSite.standard(host, sessionKey, clock), ServerOptions.defaults());
    }
}
