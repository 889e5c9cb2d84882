package org.rightcare.hub.testing;

import java.util.HashMap;
import java.util.Map;

import org.rightcare.hub.demo.DemoTokenKeys;
import org.rightcare.hub.demo.EmbeddedDatabase;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * One embedded PostgreSQL and one token key pair for the whole test suite, so Quarkus boots once for every test
 * class that shares the default test profile.
 */
@QuarkusTestResource(value = HubTestResources.class, restrictToAnnotatedClass = false)
public class HubTestResources implements QuarkusTestResourceLifecycleManager {

    private static EmbeddedDatabase database;

    @Override
    public synchronized Map<String, String> start() {
        if (database == null) {
            database = EmbeddedDatabase.start(null);
        }
        Map<String, String> config = new HashMap<>(database.quarkusConfig());
        config.putAll(DemoTokenKeys.generate());
        return config;
    }

    @Override
    public void stop() {
        // The database outlives a Quarkus restart (tests with their own profile); the JVM's exit stops it.
    }
}
