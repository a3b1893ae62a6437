package io.jstack.tcp;

/**
 * Told on the event loop whenever a connection or listener may have changed in a way a waiting user cares
 * about: data to read, room to write, a new connection to accept, a state change or an error. Must not block
 * and must not call back into the connection.
 */
@FunctionalInterface
public interface TcpObserver {
    TcpObserver NONE = () -> {};

    void changed();
}
