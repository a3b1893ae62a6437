/**
 * {@code jstack inspect}: packet inspection that agrees with tshark (Wireshark 4.0), field for field.
 *
 * <ul>
 *   <li>{@link io.jstack.tools.inspect.CaptureReader}: pcap (both byte orders, µs and ns) and pcapng (SHB, IDB with
 *       if_tsresol, EPB, SPB, several interfaces and sections), bounded; a corrupt file stops with a reason.</li>
 *   <li>{@link io.jstack.tools.inspect.Dissector}: link types 1, 101, 113, 228; IPv4 with reassembly, ICMP (errors
 *       decode their quotation), UDP, DNS, TCP (options, relative numbers, window scaling), HTTP/1.1. Reads are
 *       bounded ({@code Bytes}); a frame that ends early is "[Malformed Packet]" as in Wireshark, never an exception.</li>
 *   <li>{@code TcpTracker}: stream numbers and Wireshark's sequence analysis with its precedence.</li>
 *   <li>Outputs: tshark's summary line, {@code -T fields}, {@code -V} tree, {@code -2}; {@code Reports} (follow,
 *       conv, io,stat) and {@code TcpTraceSvg}; {@link io.jstack.tools.inspect.LiveTrace} for tracing a running host.</li>
 * </ul>
 *
 * <p>The tests compare every output with the installed tshark on scapy-made, live kernel and jstack-made captures;
 * the deliberate differences are listed in {@code TsharkComparisonTest}.
 */
package io.jstack.tools.inspect;
