package io.jstack.conformance;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 1122 §4.2 (TCP): its MUST and MUST NOT requirements, summarised in our own words, each with the section
 * that states it. A script covers a requirement when it carries one of the RFC 9293 Appendix B labels that
 * restate it ({@code must:} tag), when its {@code rfc:} tag cites the RFC that replaced it (RFC 6298 for the
 * retransmission timer), or when it names the requirement's key in an {@code rfc1122:} tag (e.g.
 * {@code # rfc1122: 4.2.2.13#2}). The mapping to RFC 9293 labels is our reading of both documents.
 *
 * @spec https://www.rfc-editor.org/rfc/rfc1122#section-4.2 RFC 1122 §4.2
 */
final class Rfc1122 {
    /**
     * One requirement: its key ({@code section#n}), summary, and what covers it ({@code MUST-n} labels of RFC 9293,
     * or {@code RFC n} cited by a script's {@code rfc:} tag).
     */
    record Requirement(String key, String summary, List<String> via) {
        String section() {
            return key.substring(0, key.indexOf('#'));
        }

        boolean coveredBy(Script s) {
            for (String k : s.tag("rfc1122").split("[,\\s]+")) if (k.equals(key)) return true;
            for (String v : via) {
                if (v.startsWith("MUST-") && s.musts().contains(v)) return true;
                if (v.startsWith("RFC ") && s.tag("rfc").contains(v)) return true;
            }
            return false;
        }
    }

    static final List<Requirement> TCP_MUSTS = new ArrayList<>();

    private static void add(String section, String summary, String... via) {
        long n = TCP_MUSTS.stream().filter(r -> r.section().equals(section)).count();
        TCP_MUSTS.add(new Requirement(section + "#" + (n + 1), summary, List.of(via)));
    }

    static {
        add("4.2.2.2", "without a PUSH flag in SEND, data is not held back forever", "MUST-60");
        add("4.2.2.2", "without a PUSH flag in SEND, the last segment of the buffered data carries PSH", "MUST-61");
        add("4.2.2.3", "the window field is an unsigned number", "MUST-1");
        add("4.2.2.4", "the urgent pointer marks the end of the urgent data (RFC 6093/RFC 9293: first non-urgent octet)",
                "MUST-62");
        add("4.2.2.4", "urgent data of any length is accepted", "MUST-31");
        add("4.2.2.4", "the application hears of urgent data asynchronously", "MUST-32");
        add("4.2.2.4", "the application can ask whether and how much urgent data is pending", "MUST-33");
        add("4.2.2.5", "an option may arrive in any segment", "MUST-5");
        add("4.2.2.5", "options the implementation does not know are skipped", "MUST-6");
        add("4.2.2.5", "an option with an impossible length does not crash the receiver", "MUST-7");
        add("4.2.2.6", "the MSS option is both sent and understood", "MUST-14");
        add("4.2.2.6", "without an MSS option the send MSS is 536", "MUST-15");
        add("4.2.2.6", "segment size derives from the peer's MSS, the MTU and the header sizes", "MUST-16");
        add("4.2.2.7", "the sender fills in the checksum", "MUST-2");
        add("4.2.2.7", "the receiver verifies the checksum", "MUST-3");
        add("4.2.2.9", "initial sequence numbers follow a clock", "MUST-8");
        add("4.2.2.10", "two sides opening at once end in one connection", "MUST-10");
        add("4.2.2.11", "a reset in SYN-RECEIVED returns to the state before it (LISTEN or CLOSED)", "MUST-11");
        add("4.2.2.13", "the application learns that a connection was aborted", "MUST-12");
        add("4.2.2.13", "an active closer stays in TIME-WAIT for twice the MSL", "MUST-13");
        add("4.2.2.15", "slow start and congestion avoidance are implemented", "MUST-19");
        add("4.2.2.16", "the sender copes with a window the receiver shrank", "MUST-34");
        add("4.2.2.17", "a zero window is probed", "MUST-36");
        add("4.2.2.17", "a window may stay zero for ever without the connection being dropped", "MUST-37");
        add("4.2.2.18", "a passive OPEN does not disturb existing connections", "MUST-41");
        add("4.2.2.18", "a port can LISTEN while a connection on it is in SYN-SENT or SYN-RECEIVED", "MUST-42");
        add("4.2.2.19", "the TTL of TCP segments is configurable", "MUST-49");
        add("4.2.2.21", "every queued segment is processed before the ACK is sent", "MUST-59");
        add("4.2.3.1", "Karn's algorithm: no RTT samples from retransmitted segments", "MUST-18");
        add("4.2.3.1", "the RTO comes from Jacobson's smoothed estimator (today RFC 6298)", "RFC 6298");
        add("4.2.3.1", "the RTO backs off exponentially on repeated timeouts", "RFC 6298 §5.5");
        add("4.2.3.2", "an ACK is never delayed by 0.5 s or more", "MUST-40");
        add("4.2.3.3", "the receiver avoids silly window syndrome", "MUST-39");
        add("4.2.3.4", "the sender avoids silly window syndrome", "MUST-38");
        add("4.2.3.4", "an application can turn off Nagle's algorithm", "MUST-17");
        add("4.2.3.5", "after R1 retransmissions IP gets negative advice; after R2 the connection closes", "MUST-20");
        add("4.2.3.5", "the application can set R2", "MUST-21");
        add("4.2.3.5", "SYN retransmissions use the same R1/R2 scheme", "MUST-22");
        add("4.2.3.5", "R2 for a SYN amounts to at least 3 minutes", "MUST-23");
        add("4.2.3.6", "an application can ask for keep-alives", "MUST-24");
        add("4.2.3.6", "keep-alives are off unless asked for", "MUST-25");
        add("4.2.3.6", "keep-alives go out only after the connection was idle for the interval", "MUST-26");
        add("4.2.3.6", "the keep-alive interval is configurable", "MUST-27");
        add("4.2.3.6", "the default keep-alive interval is two hours or more", "MUST-28");
        add("4.2.3.6", "one unanswered keep-alive does not kill the connection", "MUST-29");
        add("4.2.3.7", "with no local address given, IP picks the source address of the SYN", "MUST-44");
        add("4.2.3.7", "later segments use the connection's local address", "MUST-45");
        add("4.2.3.8", "IP options TCP does not understand are ignored", "MUST-50");
        add("4.2.3.8", "the application can give a source route", "MUST-51");
        add("4.2.3.8", "an application's source route takes precedence over one received", "MUST-52");
        add("4.2.3.8", "a received source route is reversed for the reply", "MUST-53");
        add("4.2.3.9", "ICMP errors from IP reach the connection they concern", "MUST-54");
        add("4.2.3.9", "Destination Unreachable codes 0, 1 and 5 do not abort a connection", "MUST-56");
        add("4.2.3.10", "an OPEN to a broadcast, multicast or invalid address is refused", "MUST-46");
        add("4.2.3.10", "a SYN from an invalid source address is dropped", "MUST-63");
        add("4.2.3.10", "a SYN to a broadcast or multicast address is dropped silently", "MUST-57");
        add("4.2.4.1", "errors reach the application through a reporting mechanism", "MUST-47");
        add("4.2.4.2", "the application can set the type of service, passed unchanged to IP", "MUST-48");
        add("4.2.4.4", "OPEN takes an optional local IP address", "MUST-43");
    }

    private Rfc1122() {}
}
