package io.jstack.icmp;

/**
 * ICMP counters, named as in RFC 2011's icmp group (the per-type names of RFC 4293's icmpMsgStatsTable).
 *
 * @spec https://www.rfc-editor.org/rfc/rfc4293#section-5 RFC 4293 §5
 */
public enum IcmpCounter {
    icmpInMsgs,
    /** Received messages with ICMP-specific errors: short, bad checksum, error quoting a bad header. */
    icmpInErrors,
    icmpInDestUnreachs,
    icmpInTimeExcds,
    icmpInParmProbs,
    /** Counted and ignored (RFC 6633 §2: a host MUST ignore Source Quench). */
    icmpInSrcQuenchs,
    /** Counted and ignored: a host on one link with no routes has nothing to redirect. */
    icmpInRedirects,
    icmpInEchos,
    icmpInEchoReps,
    icmpInTimestamps,
    icmpInTimestampReps,
    icmpInAddrMasks,
    icmpInAddrMaskReps,
    /** Types this host does not know. Not an RFC 2011 name. */
    icmpInUnknownTypes,
    /** Echo requests not answered: to a broadcast address, or from 0.0.0.0. Not an RFC 2011 name. */
    icmpInEchosIgnored,
    /**
     * Record Route or Timestamp options of echo requests left out of the reply because they break their own
     * rules (RFC 791 §3.1: pointer below its minimum, unknown timestamp flag, overflow count overflowing). Not an
     * RFC 2011 name.
     */
    icmpInEchoOptionsMalformed,
    /** Errors passed to the transport of the quoted protocol. Not an RFC 2011 name. */
    icmpInErrorsDelivered,
    /** Valid errors about a protocol with no transport to tell (or about our own ICMP). Not an RFC 2011 name. */
    icmpInErrorsUndeliverable,
    icmpOutMsgs,
    /** Messages ICMP could not send for problems of its own (RFC 4293: not the errors it sends). */
    icmpOutErrors,
    icmpOutDestUnreachs,
    icmpOutTimeExcds,
    icmpOutParmProbs,
    icmpOutEchoReps,
    /** Echo replies that carry the request's Record Route or Timestamp (RFC 1122 §3.2.2.6). Not an RFC 2011 name. */
    icmpOutEchoRepsWithOptions,
    /** Errors not sent because RFC 1122 §3.2.2 forbids them. Not an RFC 2011 name. */
    icmpOutErrorsSuppressed,
    /** Errors not sent because the rate limit (RFC 1812 §4.3.2.8) was exhausted. Not an RFC 2011 name. */
    icmpOutRateLimited
}
