package io.jstack.tun;

import com.sun.jna.LastErrorException;
import io.jstack.link.Link;
import io.jstack.link.Offload;
import io.jstack.stat.CounterSet;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Link} over a Linux TUN device opened with {@code IFF_TUN | IFF_NO_PI}: every read and write is one
 * whole IP packet, with no header in front. The fd is non-blocking; {@link #await} waits in {@code ppoll} on the
 * TUN fd and an eventfd that {@link #wakeup} writes. No allocation per packet: buffers are direct and their
 * addresses cached.
 *
 * <p>With offload ({@link TunOptions#offload()}, the default) the device is opened with {@code IFF_VNET_HDR}: a
 * 10-byte {@code struct virtio_net_hdr} goes before every packet in both directions, and through it the host
 * hands the kernel TCP packets of up to 64 KiB with a partial checksum, which the kernel completes and cuts into
 * MTU-sized segments as a NIC with TSO would ({@link Offload#TCP}). In the other direction the device is told
 * with {@code TUNSETOFFLOAD(TUN_F_CSUM | TUN_F_TSO4)} that we take what a NIC with receive offload hands its
 * driver: the kernel's TCP packets then arrive as super-packets of up to 64 KiB ({@code GSO_TCPV4}, reported by
 * {@link #lastSegmentSize()} with the wire MSS) and with partial checksums it vouches for ({@code NEEDS_CSUM},
 * reported by {@link #lastChecksumTrusted()}); partial checksums of other protocols are completed here. Wrappers
 * that must see wire packets (capture, impairment) cut super-packets back into segments themselves.
 *
 * <p>Opening creates the device if absent, sets its MTU, gives the kernel side its address, disables IPv6 on it
 * (so the kernel sends no router solicitations into the host) and brings it up. With a namespace, the device is
 * created inside it: a short-lived thread enters the namespace ({@code setns}), opens the device there and ends;
 * the fd stays bound to that namespace and works from any thread. Closing the fd removes the device.
 *
 * @spec https://www.kernel.org/doc/html/latest/networking/tuntap.html Universal TUN/TAP device driver
 */
public final class TunLink implements Link {
    private static final String CLONE_DEVICE = "/dev/net/tun";
    private static final int READ_CAPACITY = 65536;

    private final TunOptions options;
    private final int fd;
    private final int eventFd;
    private final CounterSet<TunCounter> counters = new CounterSet<>(TunCounter.class);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final boolean ownsNamespace;

    // ppoll arguments: two struct pollfd {int fd; short events; short revents;} and one struct timespec.
    private final ByteBuffer pollFds = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
    private final long pollFdsAddress = LibC.address(pollFds);
    private final ByteBuffer timespec = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
    private final long timespecAddress = LibC.address(timespec);
    private final ByteBuffer wakeValue = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder()).putLong(0, 1);
    private final long wakeValueAddress = LibC.address(wakeValue);
    private final ByteBuffer drain = ByteBuffer.allocateDirect(8);
    private final long drainAddress = LibC.address(drain);
    // Bounce buffers for heap buffers, and one-entry caches of the last direct buffers' addresses.
    private final ByteBuffer bounce = ByteBuffer.allocateDirect(READ_CAPACITY);
    private final long bounceAddress = LibC.address(bounce);
    private ByteBuffer lastRx;
    private long lastRxAddress;
    private ByteBuffer lastTx;
    private long lastTxAddress;
    // With IFF_VNET_HDR every read and write is {struct virtio_net_hdr, packet}: two-entry iovecs for readv/writev
    // and the header buffers they point at (native byte order: a legacy TUN header is in the host's order).
    private final boolean vnet;
    private final ByteBuffer txHeader = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
    private final ByteBuffer rxHeader = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
    private final ByteBuffer txIov = ByteBuffer.allocateDirect(32).order(ByteOrder.nativeOrder());
    private final long txIovAddress = LibC.address(txIov);
    private final ByteBuffer rxIov = ByteBuffer.allocateDirect(32).order(ByteOrder.nativeOrder());
    private final long rxIovAddress = LibC.address(rxIov);

    private TunLink(TunOptions options, int fd, int eventFd, boolean ownsNamespace) {
        this.options = options;
        this.fd = fd;
        this.eventFd = eventFd;
        this.ownsNamespace = ownsNamespace;
        this.vnet = options.offload();
        txIov.putLong(0, LibC.address(txHeader)).putLong(8, LibC.VNET_HDR_LEN);
        rxIov.putLong(0, LibC.address(rxHeader)).putLong(8, LibC.VNET_HDR_LEN);
        pollFds.putInt(0, fd).putShort(4, LibC.POLLIN).putInt(8, eventFd).putShort(12, LibC.POLLIN);
    }

    /**
     * Opens (creating if needed) and configures the device. Every failure is a {@link TunException} whose
     * message is one line naming the cause: not root, no /dev/net/tun, device busy, address in use, JNA not
     * loading, namespace missing.
     */
    public static TunLink open(TunOptions options) {
        if (effectiveUid() != 0) {
            throw new TunException("not root: opening a TUN device needs root (CAP_NET_ADMIN); run jstack with sudo");
        }
        loadNative();
        if (!Files.exists(Path.of(CLONE_DEVICE))) {
            throw new TunException("no " + CLONE_DEVICE + ": this kernel has no TUN driver (try 'modprobe tun'), "
                    + "or the container does not expose the device");
        }
        IpCommand ip = new IpCommand(options.netns());
        boolean created = options.netns().map(ns -> ensureNamespace(ns, options.createNamespace())).orElse(false);
        int fd = -1;
        int efd = -1;
        try {
            checkAddressesFree(ip, options);
            fd = options.netns().isPresent() ? openInNamespace(options.netns().get(), options.name(), options.offload())
                    : openDevice(options.name(), options.offload());
            efd = eventFd();
            configure(ip, options);
            return new TunLink(options, fd, efd, created);
        } catch (RuntimeException e) {
            if (efd >= 0) LibC.close(efd);
            if (fd >= 0) LibC.close(fd);
            if (created) deleteNamespace(options.netns().get());
            throw e;
        }
    }

    private static int eventFd() {
        try {
            return LibC.eventfd(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC);
        } catch (LastErrorException e) {
            throw new TunException("eventfd failed: errno " + e.getErrorCode(), e);
        }
    }

    /** The effective uid from /proc/self/status ("Uid: real effective saved fs"), read without native code. */
    private static int effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
            }
        } catch (java.io.IOException | RuntimeException e) {
            // No /proc: fall through and let open() fail with EACCES/EPERM, which says the same.
        }
        return 0;
    }

    private static void loadNative() {
        try {
            LibC.load();
        } catch (LinkageError e) {
            throw new TunException("JNA failed to load (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); check that jna.jar is on the class path and that java.io.tmpdir is writable and not noexec", e);
        }
    }

    /** Returns true if this call created the namespace. */
    private static boolean ensureNamespace(String ns, boolean create) {
        if (Files.exists(namespacePath(ns))) return false;
        if (!create) {
            throw new TunException("network namespace '" + ns + "' does not exist (create it with 'ip netns add " + ns + "')");
        }
        IpCommand.exec(java.util.List.of("ip", "netns", "add", ns));
        return true;
    }

    private static void deleteNamespace(String ns) {
        try {
            IpCommand.exec(java.util.List.of("ip", "netns", "delete", ns));
        } catch (TunException e) {
            // Best effort on the way out; the caller reports the original failure.
        }
    }

    private static Path namespacePath(String ns) {
        return Path.of("/var/run/netns", ns);
    }

    /** Refuses to take an address that another interface (in the target namespace) already has. */
    private static void checkAddressesFree(IpCommand ip, TunOptions o) {
        String out = ip.run("-o", "-4", "addr", "show");
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 4 || !f[2].equals("inet")) continue;
            String dev = f[1];
            String addr = f[3].contains("/") ? f[3].substring(0, f[3].indexOf('/')) : f[3];
            if (dev.equals(o.name())) continue;
            if (addr.equals(o.kernelAddress().toString())) {
                throw new TunException("address " + addr + " is already used by interface " + dev
                        + "; pick another with --host-ip");
            }
            if (o.hostAddress().isPresent() && addr.equals(o.hostAddress().get().toString())) {
                throw new TunException("address " + addr + " (the virtual host's) is already used by interface "
                        + dev + "; pick another with --ip");
            }
        }
    }

    private static int openInNamespace(String ns, String name, boolean vnet) {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("jstack-tun-open").unstarted(() -> {
            try {
                int nsFd;
                try {
                    nsFd = LibC.open(namespacePath(ns).toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
                } catch (LastErrorException e) {
                    throw new TunException("network namespace '" + ns + "' is missing (cannot open "
                            + namespacePath(ns) + ": errno " + e.getErrorCode() + ")", e);
                }
                try {
                    LibC.setns(nsFd, LibC.CLONE_NEWNET);
                } catch (LastErrorException e) {
                    throw new TunException("cannot enter network namespace '" + ns + "': errno " + e.getErrorCode(), e);
                } finally {
                    LibC.close(nsFd);
                }
                // This thread now lives in the namespace and ends right after: nothing to switch back.
                result.set(openDevice(name, vnet));
            } catch (RuntimeException e) {
                result.set(e);
            }
        });
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TunException("interrupted while opening the TUN device", e);
        }
        Object r = result.get();
        if (r instanceof RuntimeException e) throw e;
        return (Integer) r;
    }

    private static int openDevice(String name, boolean vnet) {
        int fd;
        try {
            fd = LibC.open(CLONE_DEVICE, LibC.O_RDWR | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw switch (e.getErrorCode()) {
                case LibC.EPERM, LibC.EACCES -> new TunException("not root: permission denied opening " + CLONE_DEVICE
                        + "; run jstack with sudo");
                case LibC.ENOENT, LibC.ENODEV, LibC.ENXIO -> new TunException("no " + CLONE_DEVICE
                        + ": this kernel has no TUN driver (try 'modprobe tun')");
                default -> new TunException("cannot open " + CLONE_DEVICE + ": errno " + e.getErrorCode(), e);
            };
        }
        byte[] ifr = new byte[LibC.IFREQ_SIZE];
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(n, 0, ifr, 0, Math.min(n.length, LibC.IFNAMSIZ - 1));
        short flags = (short) (LibC.IFF_TUN | LibC.IFF_NO_PI | (vnet ? LibC.IFF_VNET_HDR : 0));
        ByteBuffer.wrap(ifr).order(ByteOrder.nativeOrder()).putShort(LibC.IFNAMSIZ, flags);
        try {
            LibC.ioctl(fd, LibC.TUNSETIFF, ifr);
        } catch (LastErrorException e) {
            LibC.close(fd);
            throw switch (e.getErrorCode()) {
                case LibC.EBUSY -> new TunException("device " + name + " is busy: another process has it open "
                        + "(another jstack?); stop it or pick another name with --tun");
                case LibC.EPERM, LibC.EACCES -> new TunException("not root: creating TUN device " + name
                        + " needs CAP_NET_ADMIN; run jstack with sudo");
                case LibC.EINVAL -> new TunException("device " + name + " exists but is not a TUN device "
                        + "without packet information" + (vnet ? " and with offload headers (try --no-offload)" : "")
                        + " (a TAP or another kind?); pick another name with --tun");
                default -> new TunException("TUNSETIFF on " + name + " failed: errno " + e.getErrorCode(), e);
            };
        }
        if (vnet) {
            try {
                LibC.ioctl(fd, LibC.TUNSETOFFLOAD, (long) (LibC.TUN_F_CSUM | LibC.TUN_F_TSO4));
            } catch (LastErrorException e) {
                LibC.close(fd);
                throw new TunException("TUNSETOFFLOAD on " + name + " failed: errno " + e.getErrorCode()
                        + " (try --no-offload)", e);
            }
        }
        return fd;
    }

    private static void configure(IpCommand ip, TunOptions o) {
        String dev = o.name();
        ip.run("link", "set", "dev", dev, "mtu", Integer.toString(o.mtu()));
        // No IPv6 link-local address, so the kernel sends no router solicitations or MLD reports into the host.
        ip.run("link", "set", "dev", dev, "addrgenmode", "none");
        ip.run("addr", "replace", o.kernelAddress() + "/" + o.prefixLength(), "dev", dev);
        ip.run("link", "set", "dev", dev, "up");
    }

    public TunOptions options() {
        return options;
    }

    public String name() {
        return options.name();
    }

    public Optional<String> netns() {
        return options.netns();
    }

    public CounterSet<TunCounter> counters() {
        return counters;
    }

    @Override
    public int mtu() {
        return options.mtu();
    }

    @Override
    public int receive(ByteBuffer dst) {
        long n;
        boolean direct = dst.isDirect();
        long address;
        int capacity;
        if (direct) {
            if (dst != lastRx) {
                lastRx = dst;
                lastRxAddress = LibC.address(dst);
            }
            address = lastRxAddress;
            capacity = dst.capacity();
        } else {
            address = bounceAddress;
            capacity = Math.min(dst.capacity(), READ_CAPACITY);
        }
        if (vnet) {
            rxIov.putLong(16, address).putLong(24, capacity);
            n = LibC.readv(fd, rxIovAddress, 2);
            if (n < LibC.VNET_HDR_LEN) return -1; // EAGAIN: nothing waiting (or the fd is gone after close)
            n -= LibC.VNET_HDR_LEN;
        } else {
            n = LibC.read(fd, address, capacity);
            if (n < 0) return -1;
        }
        dst.clear();
        if (!direct) dst.put(0, bounce, 0, (int) n);
        dst.limit((int) n);
        if (vnet) {
            offload.read(rxHeader, dst, (int) n);
            if (offload.checksumTrusted) counters.increment(TunCounter.ifInChecksumTrusted);
            if (offload.wirePackets > 1) counters.increment(TunCounter.ifInSegmentedReads);
            counters.add(TunCounter.ifInUcastPkts, offload.wirePackets);
            counters.add(TunCounter.ifInOctets, offload.wireOctets);
        } else {
            counters.increment(TunCounter.ifInUcastPkts);
            counters.add(TunCounter.ifInOctets, n);
        }
        return (int) n;
    }

    /** The receive offload of the last packet (its virtio_net_hdr); stays at its zero state without offload. */
    private final VnetReceive offload = new VnetReceive();

    @Override
    public int lastSegmentSize() {
        return offload.segmentSize;
    }

    @Override
    public boolean lastChecksumTrusted() {
        return offload.checksumTrusted;
    }

    @Override
    public void send(ByteBuffer packet) {
        if (vnet) {
            txHeader.putLong(0, 0).putShort(8, (short) 0); // no offload for this packet
        }
        write(packet);
    }

    @Override
    public Offload offload() {
        return vnet ? Offload.TCP : Offload.NONE;
    }

    /**
     * Hands the kernel a TCP packet to finish (virtio_net_hdr): NEEDS_CSUM from the TCP header on, and for
     * {@code segmentSize > 0} GSO_TCPV4, which the kernel segments like a NIC doing TSO.
     */
    @Override
    public void sendTcp(ByteBuffer packet, int segmentSize) {
        if (!vnet) throw new UnsupportedOperationException("TUN device opened without offload");
        int p = packet.position();
        int ipHeader = (packet.get(p) & 0x0f) * 4;
        int tcpHeader = ((packet.get(p + ipHeader + 12) & 0xff) >>> 4) * 4;
        txHeader.put(0, (byte) LibC.VNET_F_NEEDS_CSUM)
                .put(1, (byte) (segmentSize > 0 ? LibC.VNET_GSO_TCPV4 : LibC.VNET_GSO_NONE))
                .putShort(2, (short) (ipHeader + tcpHeader))
                .putShort(4, (short) segmentSize)
                .putShort(6, (short) ipHeader)
                .putShort(8, (short) 16); // the TCP checksum field (RFC 9293 §3.1)
        int payload = packet.remaining() - ipHeader - tcpHeader;
        // Counted as the wire packets the kernel makes of it, as a NIC with TSO counts them.
        int wire = segmentSize > 0 && payload > segmentSize ? (payload + segmentSize - 1) / segmentSize : 1;
        write(packet, wire, (wire - 1) * (ipHeader + tcpHeader));
    }

    private void write(ByteBuffer packet) {
        write(packet, 1, 0);
    }

    /** Writes one packet, which leaves as {@code wirePackets} with {@code extraHeaderBytes} of repeated headers. */
    private void write(ByteBuffer packet, int wirePackets, int extraHeaderBytes) {
        int len = packet.remaining();
        long address;
        if (packet.isDirect()) {
            if (packet != lastTx) {
                lastTx = packet;
                lastTxAddress = LibC.address(packet);
            }
            address = lastTxAddress + packet.position();
        } else {
            if (len > READ_CAPACITY) {
                counters.increment(TunCounter.ifOutErrors);
                return;
            }
            bounce.put(0, packet, packet.position(), len);
            address = bounceAddress;
        }
        long n;
        if (vnet) {
            txIov.putLong(16, address).putLong(24, len);
            n = LibC.writev(fd, txIovAddress, 2) - LibC.VNET_HDR_LEN;
        } else {
            n = LibC.write(fd, address, len);
        }
        if (n != len) {
            counters.increment(TunCounter.ifOutErrors);
            return;
        }
        counters.add(TunCounter.ifOutUcastPkts, wirePackets);
        if (wirePackets > 1) counters.increment(TunCounter.ifOutSegmentedWrites);
        counters.add(TunCounter.ifOutOctets, len + extraHeaderBytes);
    }

    /**
     * Waits in {@code ppoll} for the device or {@link #wakeup}. Throws {@link IllegalStateException} if the
     * device has disappeared, which ends the host loop with that reason.
     */
    @Override
    public void await(long timeoutNanos) throws InterruptedException {
        if (timeoutNanos <= 0) return;
        long t = Math.min(timeoutNanos, 3_600_000_000_000L);
        timespec.putLong(0, t / 1_000_000_000L).putLong(8, t % 1_000_000_000L);
        int r = LibC.ppoll(pollFdsAddress, 2, timespecAddress, 0);
        if (r > 0) {
            if (pollFds.getShort(14) != 0) LibC.read(eventFd, drainAddress, 8); // reset the eventfd counter
            if ((pollFds.getShort(6) & LibC.POLL_FAILED) != 0 && !closed.get()) {
                // The device was deleted under us (ip link del, or its namespace removed): nothing will ever
                // arrive again, and ppoll would return at once forever. Stop the loop with the reason.
                throw new IllegalStateException("TUN device " + options.name() + " is gone (deleted, or its "
                        + "namespace was removed)");
            }
        }
        if (Thread.interrupted()) throw new InterruptedException();
    }

    @Override
    public void wakeup() {
        if (!closed.get()) LibC.write(eventFd, wakeValueAddress, 8);
    }

    /** Closes the fds, which removes the device. Call after the loop that polls this link has stopped. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        LibC.close(eventFd);
        LibC.close(fd);
        if (ownsNamespace) deleteNamespace(options.netns().get());
    }

    @Override
    public String toString() {
        return "TunLink[" + options.name() + options.netns().map(n -> " in netns " + n).orElse("") + ", mtu "
                + options.mtu() + (vnet ? ", offload" : "") + "]";
    }
}
