package io.jstack.conformance;

import io.jstack.host.Host;
import io.jstack.ip.Ipv4Config;
import io.jstack.link.MemoryLink;
import io.jstack.tcp.IsnGenerator;
import io.jstack.tcp.TcpConfig;
import io.jstack.tcp.TcpConnection;
import io.jstack.tcp.TcpKeepAlive;
import io.jstack.tcp.TcpLayer;
import io.jstack.tcp.TcpListenerState;
import io.jstack.tcp.TcpObserver;
import io.jstack.tcp.TcpState;
import io.jstack.time.Clock;
import io.jstack.time.ManualClock;
import io.jstack.socket.UdpSocket;
import io.jstack.udp.UdpLayer;
import io.jstack.wire.IpProtocol;
import io.jstack.wire.Ipv4Address;
import java.io.IOException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.UnaryOperator;

/**
 * jstack in process: a fresh host per script over a {@link MemoryLink} whose other end is the script's peer,
 * under a {@link ManualClock}. Deterministic: time advances only from timer deadline to timer deadline.
 *
 * <p>UDP calls use jstack's own {@link UdpSocket} over a {@link UdpLayer} whose event-loop executor runs tasks
 * at once: this thread is the host's only poller, so that is the event loop. Linux sysctls of a script that
 * have a jstack equivalent are applied to the host's configuration ({@code net.ipv4.ipfrag_time} sets the
 * reassembly timeout, {@code net.ipv4.ip_default_ttl} the TTL, {@code net.ipv4.tcp_retries2} the retransmissions
 * before a connection times out); the others concern only the Linux runner.
 */
final class JstackTarget implements Target {
    private static final long START = 1_000_000_000L;
    private final TcpConfig config;
    private ManualClock clock;
    private MemoryLink peer;
    private Host host;
    private TcpLayer tcp;
    private TcpListenerState listener;
    private TcpConnection conn;
    private int stackPort, peerPort;
    private final ArrayDeque<Captured> captured = new ArrayDeque<>();
    private final UnaryOperator<byte[]> egress;
    private UdpLayer udp;
    private UdpSocket udpSocket;

    JstackTarget() {
        this(TcpConfig.defaults());
    }

    /** With a different configuration: the harness self-test breaks jstack this way. */
    JstackTarget(TcpConfig config) {
        this(config, UnaryOperator.identity());
    }

    /**
     * A stack double for the harness self-test: every packet jstack sends passes through {@code egress}, which may
     * rewrite it or return null to drop it.
     */
    JstackTarget(TcpConfig config, UnaryOperator<byte[]> egress) {
        this.config = config;
        this.egress = egress;
    }

    @Override
    public void begin(Script script, int stackPort, int peerPort) {
        this.stackPort = stackPort;
        this.peerPort = peerPort;
        clock = new ManualClock(START);
        MemoryLink.Pair pair = MemoryLink.pair(1500);
        peer = pair.b();
        host = new Host(STACK, pair.a(), clock, ipConfig(script));
        tcp = TcpLayer.install(host, tcpConfig(script), new IsnGenerator(0x5eed, script.name().hashCode()));
        udp = new UdpLayer(host.ip(), host.icmp(), Runnable::run);
        host.ip().register(IpProtocol.UDP.code(), udp);
        udpSocket = null;
        listener = null;
        conn = null;
        captured.clear();
    }

    /** The script's Linux sysctls that have a jstack equivalent. */
    private static Ipv4Config ipConfig(Script script) {
        Ipv4Config d = Ipv4Config.defaults();
        for (String kv : script.tag("sysctl").split("\\s+")) {
            if (kv.startsWith("net.ipv4.ip_default_ttl=")) {
                d = new Ipv4Config(Integer.parseInt(kv.split("=")[1]), d.reassemblyTimeout(), d.reassemblyMemoryBytes());
            }
            if (kv.startsWith("net.ipv4.ipfrag_time=")) {
                d = new Ipv4Config(d.defaultTtl(), Duration.ofSeconds(Long.parseLong(kv.split("=")[1])),
                        d.reassemblyMemoryBytes());
            }
        }
        return d;
    }

    /**
     * {@code net.ipv4.tcp_retries2=N} (RFC 1122 §4.2.3.5 R2): Linux turns N into a time, that of N+1 timeouts
     * doubling from 200 ms; jstack counts retransmissions, which is the same when its RTO starts at 200 ms.
     */
    private TcpConfig tcpConfig(Script script) {
        // The Linux runner's baseline turns timestamps and SACK off unless the script's sysctl: tag turns them on;
        // jstack's defaults have them off, and the same tag turns them on here.
        String sysctl = script.tag("sysctl");
        TcpConfig c = config.withTimestamps(sysctl.contains("net.ipv4.tcp_timestamps=1"))
                .withSack(sysctl.contains("net.ipv4.tcp_sack=1"));
        for (String kv : sysctl.split("\\s+")) {
            if (kv.startsWith("net.ipv4.tcp_retries2=")) c = c.withMaxRetransmissions(Integer.parseInt(kv.split("=")[1]));
        }
        return c;
    }

    private double now() {
        return (clock.nanos() - START) / 1e9;
    }

    private void drain() {
        for (int i = 0; i < 1000 && host.poll(); i++) {
            collect();
        }
        collect();
    }

    private void collect() {
        byte[] p;
        while ((p = peer.receive()) != null) {
            p = egress.apply(p);
            if (p != null) captured.add(new Captured(now(), p));
        }
    }

    @Override
    public Captured next(double deadline) {
        long until = START + Math.round(deadline * 1e9);
        drain();
        while (captured.isEmpty()) {
            long at = host.pollAt();
            if (at == Clock.NEVER || at > until) {
                if (clock.nanos() < until) clock.setNanos(until);
                drain();
                break;
            }
            if (at > clock.nanos()) clock.setNanos(at);
            drain();
            if (!captured.isEmpty()) break;
            if (host.pollAt() <= clock.nanos()) {
                // a timer that is due yet did nothing: move on by one nanosecond so the loop cannot spin
                clock.setNanos(clock.nanos() + 1);
            }
        }
        return captured.poll();
    }

    @Override
    public void inject(byte[] packet) {
        peer.send(packet);
        drain();
    }

    @Override
    public String call(Script.Call c, double tolerance) {
        long now = clock.nanos();
        String r = switch (c.op()) {
            case "listen" -> {
                listener = tcp.listen(stackPort, 16);
                yield "0";
            }
            case "accept" -> {
                TcpConnection a = listener == null ? null : listener.accept();
                if (a == null) yield "EAGAIN";
                conn = a;
                yield "0";
            }
            case "connect" -> {
                conn = tcp.connect(PEER, peerPort, 0, TcpObserver.NONE, now);
                yield "EINPROGRESS";
            }
            case "connectbcast" -> {
                try {
                    conn = tcp.connect(LIMITED_BROADCAST, peerPort, 0, TcpObserver.NONE, now);
                    yield "EINPROGRESS";
                } catch (IllegalArgumentException | IllegalStateException e) {
                    yield "ENETUNREACH";
                }
            }
            case "connected" -> {
                if (conn.error() != null) yield errno(conn.error());
                yield conn.state() == TcpState.SYN_SENT || conn.state() == TcpState.SYN_RECEIVED ? "EINPROGRESS" : "0";
            }
            case "write" -> {
                int n = conn.send(new byte[c.arg()], 0, c.arg(), now);
                yield n > 0 ? Integer.toString(n) : n == 0 ? "EAGAIN" : conn.error() != null ? errno(conn.error()) : "EPIPE";
            }
            case "read" -> {
                int n = conn.receive(new byte[c.arg()], 0, c.arg(), now);
                if (n > 0) yield Integer.toString(n);
                if (n < 0) yield "0";
                if (conn.error() != null) yield errno(conn.error());
                String soft = conn.takeSoftError();
                yield soft != null ? errno(soft) : "EAGAIN";
            }
            case "shutdown" -> {
                conn.shutdownOutput(now);
                yield "0";
            }
            case "close" -> {
                if (conn != null) conn.close(now);
                else if (listener != null) listener.close(now);
                yield "0";
            }
            case "abort" -> {
                conn.abort(now);
                yield "0";
            }
            case "keepalive" -> { // as Linux's SO_KEEPALIVE with TCP_KEEPIDLE = TCP_KEEPINTVL = N seconds
                conn.setKeepAlive(TcpKeepAlive.every(java.time.Duration.ofSeconds(c.arg())), now);
                yield "0";
            }
            case "oobinline" -> "0"; // jstack always delivers urgent data inline (RFC 6093 §6)
            case "tos" -> { // as Linux's IP_TOS
                conn.setTrafficClass(c.arg());
                yield "0";
            }
            case "sendurg" -> { // as send(2) with MSG_OOB: N octets, all urgent
                int n = conn.sendUrgent(new byte[c.arg()], 0, c.arg(), now);
                yield n > 0 ? Integer.toString(n) : n == 0 ? "EAGAIN" : conn.error() != null ? errno(conn.error()) : "EPIPE";
            }
            case "usertimeout" -> { // as Linux's TCP_USER_TIMEOUT, N milliseconds
                conn.setUserTimeout(java.time.Duration.ofMillis(c.arg()), now);
                yield "0";
            }
            case "urgpending" -> conn.urgentPending() ? "1" : "0"; // as poll(2)'s POLLPRI
            case "atmark" -> conn.atUrgentMark() ? "1" : "0"; // as ioctl SIOCATMARK
            case "recverr" -> { // as Linux's IP_RECVERR: soft errors reported at once, by the next call
                conn.setReportSoftErrors(true);
                yield "0";
            }
            case "nodelay" -> {
                conn.setNoDelay(true, now);
                yield "0";
            }
            case "udpbind", "udpconnect", "udpsend", "udprecv", "udpclose" -> udpCall(c);
            default -> throw new IllegalArgumentException(c.op());
        };
        drain();
        return r;
    }

    /**
     * UDP calls on jstack's {@link UdpSocket}. {@code udpconnect} only checks the socket is bound: a jstack
     * socket has no connect, and reports ICMP errors whether connected or not (RFC 1122 §4.1.3.3).
     */
    private String udpCall(Script.Call c) {
        try {
            switch (c.op()) {
                case "udpbind" -> udpSocket = UdpSocket.bind(udp, stackPort);
                case "udpconnect" -> {
                    if (udpSocket == null) return "EBADF";
                }
                case "udpsend" -> {
                    udpSocket.send(new Ipv4Address(PEER), peerPort, new byte[c.arg()]);
                    return Integer.toString(c.arg());
                }
                case "udprecv" -> {
                    var d = udpSocket.receive(Duration.ZERO);
                    return Integer.toString(Math.min(d.data().length, c.arg()));
                }
                case "udpclose" -> {
                    udpSocket.close();
                    udpSocket = null;
                }
                default -> throw new IllegalArgumentException(c.op());
            }
            return "0";
        } catch (SocketTimeoutException e) {
            return "EAGAIN";
        } catch (PortUnreachableException e) {
            return "ECONNREFUSED";
        } catch (java.net.NoRouteToHostException e) {
            return "EHOSTUNREACH";
        } catch (java.net.ProtocolException e) {
            return "EPROTO";
        } catch (IOException e) {
            return "EIO(" + e.getMessage() + ")";
        }
    }

    static String errno(String error) {
        if (error.contains("refused")) return "ECONNREFUSED";
        if (error.contains("reset")) return "ECONNRESET";
        if (error.contains("timed out")) return "ETIMEDOUT";
        if (error.contains("no route")) return "EHOSTUNREACH";
        if (error.contains("network is unreachable")) return "ENETUNREACH";
        if (error.contains("protocol not available")) return "ENOPROTOOPT";
        if (error.contains("protocol error")) return "EPROTO";
        return "EPIPE";
    }

    /** The connection under test, for harness tests. */
    TcpConnection connection() {
        return conn;
    }

    @Override
    public void end() {
        if (udpSocket != null) udpSocket.close();
        udpSocket = null;
        udp = null;
        host = null;
        tcp = null;
    }

    @Override
    public void close() {}
}
