/**
 * DNS wire format (RFC 1035 §4) and a small authoritative responder: a bounded parser that survives any byte
 * sequence and never allocates per message. No sockets, threads or clocks: the service in {@code io.jstack.service}
 * feeds it datagrams. Imports {@code wire}, {@code stat}.
 */
package io.jstack.dns;
