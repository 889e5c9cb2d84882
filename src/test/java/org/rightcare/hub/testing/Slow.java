package org.rightcare.hub.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * A test class a developer's inner loop may leave out: it drives a browser or Keycloak, runs a simulation, restarts
 * the hub (a test profile of its own) or loads the full FHIR validator. {@code ./mvnw verify} runs it like any other;
 * {@code ./mvnw test -DexcludedGroups=slow} leaves it out (the README's "Tests").
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(Slow.TAG)
public @interface Slow {

    String TAG = "slow";
}
