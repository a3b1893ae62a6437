package io.jstack.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;

/**
 * The few libc calls the TUN link needs, bound with JNA direct mapping ({@code Native.register}), which costs
 * about as much as a JNI call. Hot-path calls take buffer addresses as {@code long} (LP64: a pointer is 64 bits)
 * and report failure by their return value only; set-up calls throw {@link LastErrorException} with errno.
 */
final class LibC {
    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int EFD_NONBLOCK = 0x800;
    static final int EFD_CLOEXEC = 0x80000;
    static final int CLONE_NEWNET = 0x40000000;
    static final short POLLIN = 1;
    /** POLLERR | POLLHUP | POLLNVAL. */
    static final short POLL_FAILED = 0x08 | 0x10 | 0x20;

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int ENXIO = 6;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int ENODEV = 19;
    static final int EINVAL = 22;

    /** {@code _IOW('T', 202, int)}: attach the fd to a TUN/TAP device, creating it if needed. */
    static final long TUNSETIFF = 0x400454caL;
    /**
     * {@code _IOW('T', 208, unsigned int)}: which offloads the reader takes, so the kernel may hand it packets
     * with partial checksums ({@link #TUN_F_CSUM}) and TCP/IPv4 super-packets ({@link #TUN_F_TSO4}). The flags
     * are the argument itself, not a pointer (include/uapi/linux/if_tun.h).
     */
    static final long TUNSETOFFLOAD = 0x400454d0L;
    static final int TUN_F_CSUM = 0x01;
    static final int TUN_F_TSO4 = 0x02;
    static final short IFF_TUN = 0x0001;
    static final short IFF_NO_PI = 0x1000;
    /** Every read and write starts with a {@code struct virtio_net_hdr} (10 bytes): offload metadata. */
    static final short IFF_VNET_HDR = 0x4000;
    static final int VNET_HDR_LEN = 10;
    static final int VNET_F_NEEDS_CSUM = 1;
    /** The kernel already verified the checksums (CHECKSUM_UNNECESSARY). */
    static final int VNET_F_DATA_VALID = 2;
    static final int VNET_GSO_NONE = 0, VNET_GSO_TCPV4 = 1;
    /** {@code struct ifreq}: 16 bytes of name, then a union whose first member is {@code short ifr_flags}. */
    static final int IFREQ_SIZE = 40;
    static final int IFNAMSIZ = 16;

    static {
        Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private LibC() {}

    static native int open(String path, int flags) throws LastErrorException;

    static native int close(int fd);

    static native int ioctl(int fd, long request, byte[] arg) throws LastErrorException;

    /** {@code ioctl} with an integer argument passed by value (TUNSETOFFLOAD). */
    static native int ioctl(int fd, long request, long arg) throws LastErrorException;

    static native int eventfd(int initval, int flags) throws LastErrorException;

    static native int setns(int fd, int nstype) throws LastErrorException;

    /** {@code ssize_t read(int, void *, size_t)}: -1 on any error, EAGAIN included. */
    static native long read(int fd, long buf, long count);

    /** {@code ssize_t write(int, const void *, size_t)}. */
    static native long write(int fd, long buf, long count);

    /** {@code int ppoll(struct pollfd *, nfds_t, const struct timespec *, const sigset_t *)}. */
    static native int ppoll(long fds, long nfds, long timeout, long sigmask);

    /** {@code ssize_t readv(int, const struct iovec *, int)}. */
    static native long readv(int fd, long iov, int iovcnt);

    /** {@code ssize_t writev(int, const struct iovec *, int)}. */
    static native long writev(int fd, long iov, int iovcnt);

    /** The native address of a direct buffer's index 0. */
    static long address(ByteBuffer direct) {
        return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
    }

    /** Forces the class (and with it JNA and libc) to load; a failure surfaces as a {@link LinkageError}. */
    static void load() {}
}
