package io.jstack.dns;

/** Why a DNS message could not be parsed. {@code NONE}: parsed. */
public enum DnsError {
    NONE,
    /** The message ends inside a header, name, question or record. */
    TRUNCATED,
    /** A length byte above 63: the reserved label types 01 and 10 (RFC 1035 §4.1.4, RFC 6891 §5). */
    LABEL_TOO_LONG,
    /** More than 255 octets of name (RFC 1035 §2.3.4). */
    NAME_TOO_LONG,
    /** A compression pointer that does not point strictly before every earlier one: it could loop. */
    POINTER_LOOP,
    /** A section count larger than the records present (the message ends between records). */
    COUNT_MISMATCH,
    /** QDCOUNT other than 1 in a query. */
    QUESTION_COUNT,
    /** An OPT record that breaks RFC 6891 §6.1.1 (not the root name, or more than one). */
    BAD_OPT
}
