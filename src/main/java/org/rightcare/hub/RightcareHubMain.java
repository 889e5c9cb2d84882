package org.rightcare.hub;

import org.rightcare.hub.demo.DemoEnvironment;
import org.rightcare.hub.support.StartupPreconditions;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Starts the hub. Before Quarkus reads its datasource configuration, the demo and dev profiles start an embedded
 * PostgreSQL (unless a database URL is configured) and a demo token key pair; the prod profile refuses to start
 * without a real database and identity provider.
 */
@QuarkusMain
public class RightcareHubMain {

    public static void main(String... args) {
        String profile = activeProfile();
        if (profile.equals("prod")) {
            StartupPreconditions.requireProductionSettings();
        } else if (profile.equals("demo") || profile.equals("dev")) {
            DemoEnvironment.prepare();
        }
        Quarkus.run(args);
    }

    /** The profile Quarkus will run with: the one set explicitly, else the launch mode's default. */
    static String activeProfile() {
        String explicit = System.getProperty("quarkus.profile", System.getenv("QUARKUS_PROFILE"));
        if (explicit != null && !explicit.isBlank()) {
            return explicit.split(",")[0].trim();
        }
        return LaunchMode.current().getDefaultProfile();
    }
}
