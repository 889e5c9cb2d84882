package org.rightcare.hub.testing;

import java.util.List;

import org.rightcare.hub.demo.DemoTokens;

import io.quarkus.arc.Arc;

/** Bearer tokens for test callers, signed with the suite's key pair exactly as the demo profile signs them. */
public final class Tokens {

    private Tokens() {
    }

    public static String provider(String odsCode) {
        return issue("provider-system-" + odsCode, odsCode, List.of("provider"));
    }

    public static String issue(String subject, String organisation, List<String> roles) {
        return Arc.container().instance(DemoTokens.class).get().issue(subject, organisation, roles);
    }
}
