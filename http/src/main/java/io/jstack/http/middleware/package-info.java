/**
 * Middleware shipped with the gateway: each is an {@link io.jstack.http.gateway.Application} wrapping an
 * application (PEP 3333 "Middleware: Components that Play Both Sides"), so it runs on any server of the gateway.
 * {@link io.jstack.http.middleware.Lint} checks both sides of the contract, {@link
 * io.jstack.http.middleware.AccessLog} writes Gunicorn's access log, {@link io.jstack.http.middleware.ErrorPage}
 * turns failures into a 500 page, {@link io.jstack.http.middleware.StaticFiles} serves a directory, and {@link
 * io.jstack.http.middleware.Sessions} keeps a session in an HMAC-signed cookie.
 *
 * <p>Imports only {@code io.jstack.http.gateway} and the JDK: never the server.
 */
package io.jstack.http.middleware;
