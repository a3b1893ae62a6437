package io.jstack.dns;

/** Counters of the DNS responder: what came in, what it answered with, and why it refused to parse. */
public enum DnsCounter {
    dnsInMessages,
    /** Dropped unanswered: shorter than a header, so there is no ID to answer. */
    dnsInTooShort,
    /** Dropped unanswered: a response (QR set), never answered so that two responders cannot loop. */
    dnsInResponses,
    dnsOutNoError,
    dnsOutNxDomain,
    dnsOutRefused,
    dnsOutNotImp,
    dnsOutFormErr,
    dnsOutBadVers,
    /** Parse failures, each answered with FORMERR. */
    dnsBadTruncated,
    dnsBadLabel,
    dnsBadNameLength,
    dnsBadPointerLoop,
    dnsBadCount,
    dnsBadQuestionCount,
    dnsBadOpt
}
