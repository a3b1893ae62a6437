package io.jstack.tcp;

/**
 * The limits of one connection's buffers. Both start empty and grow with use up to these sizes, so an idle
 * connection holds little memory; the receive limit is also the largest window offered.
 *
 * @param sendBytes    the most data queued for sending and not yet acknowledged
 * @param receiveBytes the most data held for the application, in order or not
 */
public record TcpBuffers(int sendBytes, int receiveBytes) {
    public TcpBuffers {
        if (sendBytes < 1024 || receiveBytes < 1024) {
            throw new IllegalArgumentException("buffers must be at least 1024 bytes");
        }
        if (receiveBytes > (1 << 30) || sendBytes > (1 << 30)) {
            throw new IllegalArgumentException("buffers must be at most 1 GiB");
        }
    }

    /** The host's defaults. */
    public static TcpBuffers of(TcpConfig config) {
        return new TcpBuffers(config.sendBufferBytes(), config.receiveBufferBytes());
    }
}
