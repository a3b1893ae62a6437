package io.jstack.http.gateway;

/**
 * A gateway application (PEP 3333 "The Application/Framework Side"): called once per request with the environ and
 * the start_response callable; returns the body. It must call {@code startResponse.start} before its body yields
 * its first chunk (or before returning, for an empty body).
 */
@FunctionalInterface
public interface Application {
    Body call(Environ environ, StartResponse startResponse) throws Exception;
}
