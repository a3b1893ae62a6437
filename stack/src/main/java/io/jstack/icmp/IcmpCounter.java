package io.jstack.icmp;

/** ICMP counters, named as in RFC 4293's icmpStatsTable / icmpMsgStatsTable and RFC 2011. */
public enum IcmpCounter {
    icmpInMsgs,
    icmpInErrors,
    icmpInEchos,
    icmpInEchoReps,
    icmpInDestUnreachs,
    icmpInTimeExcds,
    icmpOutMsgs,
    icmpOutErrors,
    icmpOutEchoReps,
    icmpOutDestUnreachs,
    icmpOutTimeExcds,
    /** Errors not sent because the rate limit (RFC 1812 §4.3.2.8) was exhausted. Not an RFC 4293 name. */
    icmpOutRateLimited
}
