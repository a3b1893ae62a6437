/**
 * The virtual host: wires a link, a clock and the layers together ({@link io.jstack.host.Host}) and drives them
 * ({@link io.jstack.host.HostLoop}). The one place where threads and waiting live.
 */
package io.jstack.host;
