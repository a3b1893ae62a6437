package io.jstack.conformance;

import com.sun.jna.Library;
import com.sun.jna.Native;
import io.jstack.e2e.Exec;
import io.jstack.e2e.Netns;
import io.jstack.tun.TunLink;
import io.jstack.tun.TunOptions;
import io.jstack.wire.Ipv4Address;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.net.PortUnreachableException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The Linux kernel's TCP, tested the way packetdrill does it: a TUN device in a fresh network namespace, the
 * kernel at 10.0.0.1/24 on it, and this harness at 10.0.0.2 writing and reading raw IPv4 packets on the
 * device's fd. Socket calls use java.nio channels created by a thread that has entered the namespace
 * ({@code setns}), so they are the kernel's own sockets in that namespace. Time is wall-clock time.
 *
 * <p>Namespace sysctls ({@link #BASELINE}) make the kernel comparable with a plain RFC 9293 stack: no timestamps
 * and no SACK (scripts that test those turn them back on with a {@code sysctl:} tag), no per-destination metrics
 * cache (each script starts with the RFC 6298 initial RTO), no autocorking, no tail loss probes, RACK and F-RTO
 * off (loss recovery is RFC 5681's duplicate-ACK threshold), and no ECN.
 */
final class LinuxTarget implements Target {
    static final Map<String, String> BASELINE = new LinkedHashMap<>();

    static {
        BASELINE.put("net.ipv4.tcp_timestamps", "0");
        BASELINE.put("net.ipv4.tcp_sack", "0");
        BASELINE.put("net.ipv4.tcp_no_metrics_save", "1");
        BASELINE.put("net.ipv4.tcp_autocorking", "0");
        BASELINE.put("net.ipv4.tcp_early_retrans", "0");
        BASELINE.put("net.ipv4.tcp_recovery", "0");
        BASELINE.put("net.ipv4.tcp_frto", "0");
        BASELINE.put("net.ipv4.tcp_ecn", "0");
        BASELINE.put("net.ipv4.tcp_fastopen", "0");
        // ICMP errors to one destination are limited to one per second after a burst of 6 by default; every
        // script talks to the same 10.0.0.2, so the limit would carry over from script to script. jstack limits
        // all its errors together (1000/s, burst 50), which no script comes near.
        BASELINE.put("net.ipv4.icmp_ratelimit", "0");
    }

    /** setns(2) for the namespace thread; the tun module's binding is package-private. */
    interface NsLib extends Library {
        NsLib C = Native.load("c", NsLib.class);

        int open(String path, int flags);

        int setns(int fd, int nstype);

        int close(int fd);

        long send(int fd, byte[] buf, long len, int flags);

        int setsockopt(int fd, int level, int name, int[] value, int len);

        int poll(byte[] fds, long n, int timeoutMillis);

        int ioctl(int fd, long request, int[] value);
    }

    private static final int POLLPRI = 2, SIOCATMARK = 0x8905;
    private static final int MSG_OOB = 1, IPPROTO_IP = 0, IP_RECVERR = 11, IPPROTO_TCP = 6, TCP_USER_TIMEOUT = 18;

    private static final Duration CMD = Duration.ofSeconds(15);
    private final Netns ns;
    private final TunLink tun;
    private final ExecutorService inside;
    private final ByteBuffer rx = ByteBuffer.allocateDirect(65536);
    private final ArrayDeque<Captured> captured = new ArrayDeque<>();
    private long t0;
    private int stackPort, peerPort;
    private ServerSocketChannel listener;
    private SocketChannel conn;
    private DatagramChannel udp;
    private final Map<String, String> restore = new LinkedHashMap<>();

    LinuxTarget() {
        ns = Netns.create();
        try {
            sysctl(BASELINE);
            tun = TunLink.open(TunOptions.defaults().withName("tun0")
                    .withKernelAddress(Ipv4Address.parse("10.0.0.1"), 24)
                    .withHostAddress(Ipv4Address.parse("10.0.0.2")).inNamespace(ns.name(), false)
                    .withOffload(false)); // the peer must see each segment the kernel puts on the wire
            inside = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "conformance-" + ns.name());
                t.setDaemon(true);
                return t;
            });
            onNsThread(() -> {
                int fd = NsLib.C.open("/var/run/netns/" + ns.name(), 0);
                if (fd < 0 || NsLib.C.setns(fd, 0x40000000) != 0) throw new IllegalStateException("setns failed");
                NsLib.C.close(fd);
                return null;
            });
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
    }

    String namespace() {
        return ns.name();
    }

    private void sysctl(Map<String, String> values) {
        if (values.isEmpty()) return;
        String[] cmd = new String[values.size() + 2];
        cmd[0] = "sysctl";
        cmd[1] = "-qw";
        int i = 2;
        for (var e : values.entrySet()) cmd[i++] = e.getKey() + "=" + e.getValue();
        Exec.Result r = ns.exec(CMD, cmd);
        if (!r.ok()) throw new IllegalStateException("sysctl failed: " + r.describe());
    }

    private String sysctlGet(String key) {
        Exec.Result r = ns.exec(CMD, "sysctl", "-n", key);
        if (!r.ok()) throw new IllegalStateException("sysctl failed: " + r.describe());
        return r.out().strip();
    }

    private <T> T onNsThread(Callable<T> task) {
        try {
            return inside.submit(task).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void begin(Script script, int stackPort, int peerPort) {
        this.stackPort = stackPort;
        this.peerPort = peerPort;
        captured.clear();
        restore.clear();
        Map<String, String> set = new LinkedHashMap<>();
        for (String kv : script.tag("sysctl").split("\\s+")) {
            if (kv.isBlank()) continue;
            String[] p = kv.split("=", 2);
            restore.put(p[0], BASELINE.containsKey(p[0]) ? BASELINE.get(p[0]) : sysctlGet(p[0]));
            set.put(p[0], p[1]);
        }
        sysctl(set);
        drainTun();
        captured.clear();
        t0 = System.nanoTime();
    }

    private double now() {
        return (System.nanoTime() - t0) / 1e9;
    }

    private void drainTun() {
        while (true) {
            rx.clear();
            int n = tun.receive(rx);
            if (n < 0) return;
            byte[] p = new byte[n];
            rx.get(0, p);
            if (n >= 20 && (p[0] >> 4 & 0xf) == 4) captured.add(new Captured(now(), p)); // not the kernel's IPv6
        }
    }

    @Override
    public Captured next(double deadline) {
        while (true) {
            drainTun();
            if (!captured.isEmpty()) return captured.poll();
            double left = deadline - now();
            if (left <= 0) return null;
            try {
                tun.await((long) (left * 1e9));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    @Override
    public void inject(byte[] packet) {
        tun.send(ByteBuffer.wrap(packet));
    }

    @Override
    public String call(Script.Call c, double tolerance) {
        // The kernel handles a TUN write in softirq context, possibly a moment later: a call whose expected
        // result depends on a packet just injected is retried within the tolerance.
        long until = System.nanoTime() + (long) (tolerance * 1e9);
        while (true) {
            String r = onNsThread(() -> perform(c));
            if (c.expected() == null || c.expected().equals(r) || System.nanoTime() > until
                    || !(r.equals("EAGAIN") || r.equals("EINPROGRESS"))) {
                return r;
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private String perform(Script.Call c) {
        try {
            switch (c.op()) {
                case "listen" -> {
                    listener = ServerSocketChannel.open();
                    listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                    listener.bind(new InetSocketAddress("10.0.0.1", stackPort), 16);
                    listener.configureBlocking(false);
                    return "0";
                }
                case "accept" -> {
                    SocketChannel a = listener.accept();
                    if (a == null) return "EAGAIN";
                    a.configureBlocking(false);
                    conn = a;
                    return "0";
                }
                case "connect" -> {
                    conn = SocketChannel.open();
                    conn.configureBlocking(false);
                    return conn.connect(new InetSocketAddress("10.0.0.2", peerPort)) ? "0" : "EINPROGRESS";
                }
                case "connectbcast" -> {
                    conn = SocketChannel.open();
                    conn.configureBlocking(false);
                    return conn.connect(new InetSocketAddress("255.255.255.255", peerPort)) ? "0" : "EINPROGRESS";
                }
                case "connected" -> {
                    return conn.finishConnect() ? "0" : "EINPROGRESS";
                }
                case "write" -> {
                    int n = conn.write(ByteBuffer.allocate(c.arg()));
                    return n > 0 ? Integer.toString(n) : "EAGAIN";
                }
                case "read" -> {
                    int n = conn.read(ByteBuffer.allocate(c.arg()));
                    return n > 0 ? Integer.toString(n) : n == 0 ? "EAGAIN" : "0";
                }
                case "shutdown" -> {
                    conn.shutdownOutput();
                    return "0";
                }
                case "close" -> {
                    if (conn != null) {
                        conn.close();
                        conn = null;
                    } else if (listener != null) {
                        listener.close();
                        listener = null;
                    }
                    return "0";
                }
                case "abort" -> {
                    conn.setOption(StandardSocketOptions.SO_LINGER, 0);
                    conn.close();
                    conn = null;
                    return "0";
                }
                case "keepalive" -> { // SO_KEEPALIVE with idle time and interval of N seconds
                    conn.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
                    conn.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE, c.arg());
                    conn.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL, c.arg());
                    return "0";
                }
                case "tos" -> { // IP_TOS: the type of service (DS field) of the connection's datagrams
                    conn.setOption(StandardSocketOptions.IP_TOS, c.arg());
                    return "0";
                }
                case "sendurg" -> { // send(2) with MSG_OOB: N bytes, urgent up to the last one (java.nio has no way)
                    int fd = fd(conn);
                    long n = NsLib.C.send(fd, new byte[c.arg()], c.arg(), MSG_OOB);
                    return n >= 0 ? Long.toString(n) : "errno " + Native.getLastError();
                }
                case "usertimeout" -> { // TCP_USER_TIMEOUT: this connection's R2, N ms (java.nio has no way)
                    int r = NsLib.C.setsockopt(fd(conn), IPPROTO_TCP, TCP_USER_TIMEOUT, new int[] {c.arg()}, 4);
                    return r == 0 ? "0" : "errno " + Native.getLastError();
                }
                case "urgpending" -> { // poll(2) for POLLPRI: is urgent data announced? (1 or 0)
                    byte[] pfd = ByteBuffer.allocate(8).order(java.nio.ByteOrder.nativeOrder()).putInt(fd(conn))
                            .putShort((short) POLLPRI).putShort((short) 0).array();
                    int r = NsLib.C.poll(pfd, 1, 0);
                    if (r < 0) return "errno " + Native.getLastError();
                    int revents = ByteBuffer.wrap(pfd).order(java.nio.ByteOrder.nativeOrder()).getShort(6);
                    return (revents & POLLPRI) != 0 ? "1" : "0";
                }
                case "atmark" -> { // ioctl SIOCATMARK: is the next octet to read the last urgent one? (1 or 0)
                    int[] v = new int[1];
                    int r = NsLib.C.ioctl(fd(conn), SIOCATMARK, v);
                    return r < 0 ? "errno " + Native.getLastError() : Integer.toString(v[0]);
                }
                case "recverr" -> { // IP_RECVERR: ICMP errors (soft errors) reach the application at once
                    int r = NsLib.C.setsockopt(fd(conn), IPPROTO_IP, IP_RECVERR, new int[] {1}, 4);
                    return r == 0 ? "0" : "errno " + Native.getLastError();
                }
                case "oobinline" -> { // SO_OOBINLINE: urgent data stays in the stream (RFC 6093 §6)
                    conn.socket().setOOBInline(true);
                    return "0";
                }
                case "nodelay" -> {
                    conn.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    return "0";
                }
                case "udpbind" -> {
                    udp = DatagramChannel.open(java.net.StandardProtocolFamily.INET);
                    // The wildcard address, as jstack's one-address host has no other binding: a socket bound to
                    // 10.0.0.1 alone would not see datagrams to a broadcast address.
                    udp.bind(new InetSocketAddress("0.0.0.0", stackPort));
                    udp.configureBlocking(false);
                    return "0";
                }
                case "udpconnect" -> { // a connected UDP socket: Linux reports ICMP errors only to these
                    udp.connect(new InetSocketAddress("10.0.0.2", peerPort));
                    return "0";
                }
                case "udpsend" -> {
                    int n = udp.send(ByteBuffer.allocate(c.arg()), new InetSocketAddress("10.0.0.2", peerPort));
                    return c.arg() == 0 || n > 0 ? Integer.toString(n) : "EAGAIN";
                }
                case "udprecv" -> {
                    ByteBuffer b = ByteBuffer.allocate(c.arg());
                    return udp.receive(b) == null ? "EAGAIN" : Integer.toString(b.position());
                }
                case "udpclose" -> {
                    udp.close();
                    udp = null;
                    return "0";
                }
                default -> throw new IllegalArgumentException(c.op());
            }
        } catch (PortUnreachableException e) {
            return "ECONNREFUSED";
        } catch (java.net.NoRouteToHostException e) {
            return "EHOSTUNREACH";
        } catch (ClosedChannelException e) {
            return "EPIPE";
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("refused")) return "ECONNREFUSED";
            if (m.contains("No route to host")) return "EHOSTUNREACH";
            if (m.contains("reset")) return "ECONNRESET";
            if (m.contains("timed out")) return "ETIMEDOUT";
            if (m.contains("Broken pipe")) return "EPIPE";
            if (m.contains("unreachable")) return "ENETUNREACH";
            if (m.contains("Permission denied")) return "EACCES";
            if (m.contains("Protocol error")) return "EPROTO";
            return "EIO(" + m + ")";
        }
    }

    /**
     * The channel's file descriptor, for the calls java.nio lacks (MSG_OOB, TCP_USER_TIMEOUT, IP_RECVERR): read
     * through the JDK's internal {@code SelChImpl}, which the tests module's surefire exports ({@code --add-exports}).
     */
    private static int fd(SocketChannel ch) throws IOException {
        try {
            return (int) Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal").invoke(ch);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("no file descriptor for the channel: " + e, e);
        }
    }

    @Override
    public void end() {
        onNsThread(() -> {
            if (conn != null) {
                try {
                    conn.setOption(StandardSocketOptions.SO_LINGER, 0);
                } catch (IOException e) {
                    // already reset or closed: closing below is all that is left
                }
                closeQuietly(conn);
            }
            if (listener != null) closeQuietly(listener);
            if (udp != null) closeQuietly(udp);
            udp = null;
            conn = null;
            listener = null;
            return null;
        });
        sysctl(restore);
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // the harness is done with it either way
        }
    }

    @Override
    public void close() {
        try {
            inside.shutdownNow();
            tun.close();
        } finally {
            ns.close();
        }
    }
}
