/** ICMP for IPv4 (RFC 792, RFC 1122 §3.2.2): echo and errors. Imports {@code ip}, {@code wire}, {@code stat}. */
package io.jstack.icmp;
