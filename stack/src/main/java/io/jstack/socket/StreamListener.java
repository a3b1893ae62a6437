package io.jstack.socket;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;

/** A listening stream socket: jstack's TCP listener or the kernel's server socket. */
public interface StreamListener extends Closeable {
    /** Waits for the next connection. Throws IOException once the listener is closed. */
    StreamConnection accept() throws IOException;

    InetSocketAddress localAddress();
}
