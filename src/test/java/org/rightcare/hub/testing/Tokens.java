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

    /** A clinician of the hub's own clinical coordination team: sees every case. */
    public static String hubClinician() {
        return issue("hub-clinician-1", null, List.of("hub-clinician"));
    }

    public static String hubAdmin() {
        return issue("hub-admin-1", null, List.of("hub-admin"));
    }

    public static String auditor() {
        return issue("auditor-1", null, List.of("auditor"));
    }

    public static String issue(String subject, String organisation, List<String> roles) {
        return Arc.container().instance(DemoTokens.class).get().issue(subject, organisation, roles);
    }
}
