package io.jstack.socket;

import io.jstack.tcp.TcpBuffers;
import io.jstack.tcp.TcpLayer;
import java.util.Optional;

/**
 * Per-socket settings fixed when the connection is made.
 *
 * @param buffers send and receive buffer limits, or empty for the host's defaults
 * @param noDelay disable Nagle's algorithm (RFC 1122 §4.2.3.4) from the start
 */
public record TcpSocketOptions(Optional<TcpBuffers> buffers, boolean noDelay) {
    public static TcpSocketOptions defaults() {
        return new TcpSocketOptions(Optional.empty(), false);
    }

    public TcpSocketOptions withBuffers(int sendBytes, int receiveBytes) {
        return new TcpSocketOptions(Optional.of(new TcpBuffers(sendBytes, receiveBytes)), noDelay);
    }

    public TcpSocketOptions withNoDelay(boolean on) {
        return new TcpSocketOptions(buffers, on);
    }

    TcpBuffers buffersOr(TcpLayer tcp) {
        return buffers.orElseGet(() -> TcpBuffers.of(tcp.config()));
    }
}
