/**
 * The small standard services a person first tries with {@code nc}: TCP echo (RFC 862), discard (RFC 863) and
 * character generator (RFC 864). Each is an ordinary user of {@link io.jstack.socket}: a virtual thread per
 * connection. Imports {@code socket} and {@code tcp} (to be handed the layer) only.
 */
package io.jstack.service;
