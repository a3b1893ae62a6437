package io.jstack.http.gateway;

import java.io.IOException;

/**
 * The write() callable returned by start_response (PEP 3333 "The write() Callable"): an imperative escape hatch for
 * legacy applications. The bytes are sent (after the headers) before write returns. New code returns a body instead.
 */
@FunctionalInterface
public interface Write {
    void write(byte[] data) throws IOException;
}
