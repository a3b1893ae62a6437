/**
 * IPv4 (RFC 791, RFC 1122 §3.2.1): validation, reassembly, fragmentation, and delivery to transports that
 * register by protocol number. Imports {@code wire}, {@code link}, {@code time}, {@code stat}; never a transport.
 */
package io.jstack.ip;
