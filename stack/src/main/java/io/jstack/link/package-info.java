/**
 * The link SPI ({@link io.jstack.link.Link}) and the links that need no native code: the in-memory pair, the
 * pcap-capturing wrapper, the impairing wrapper. Imports only {@code io.jstack.wire}, {@code time}, {@code stat}.
 */
package io.jstack.link;
