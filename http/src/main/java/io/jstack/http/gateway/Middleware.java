package io.jstack.http.gateway;

import java.util.function.UnaryOperator;

/** Middleware is an application that wraps an application (PEP 3333 "Middleware: Components that Play Both Sides"). */
@FunctionalInterface
public interface Middleware extends UnaryOperator<Application> {
    /** This middleware applied inside {@code outer}: {@code a.then(b).apply(app) == b.apply(a.apply(app))}. */
    default Middleware then(Middleware outer) {
        return app -> outer.apply(apply(app));
    }
}
