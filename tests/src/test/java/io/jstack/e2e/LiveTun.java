package io.jstack.e2e;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a live test: it needs root and /dev/net/tun, and runs in network namespaces it creates itself. Without
 * them it is skipped with the reason, except under {@code CI=true}, where it fails instead (see
 * {@link LiveTunCondition}). Put it on the class.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("tun")
@EnabledOnOs(OS.LINUX)
@ExtendWith(LiveTunCondition.class)
public @interface LiveTun {}
