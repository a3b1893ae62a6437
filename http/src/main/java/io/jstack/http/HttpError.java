package io.jstack.http;

/** Why a request was refused: the status to answer with before closing the connection. */
public record HttpError(int status, String reason) {}
