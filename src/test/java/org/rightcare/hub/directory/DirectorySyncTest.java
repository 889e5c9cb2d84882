package org.rightcare.hub.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.rightcare.hub.audit.Actor;
import org.rightcare.hub.support.InvalidConfigurationException;
import org.rightcare.hub.testing.DirectoryFixtures;
import org.rightcare.hub.testing.TestDatabase;

import io.quarkus.test.junit.QuarkusTest;

/**
 * How every replica's in-memory directory follows the database, and how the directory file and run-time changes
 * meet. Another replica is played by plain SQL against the same database, as it would commit; the periodic version
 * check is off in the tests, so a change seen within seconds came by NOTIFY.
 */
@QuarkusTest
class DirectorySyncTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Thousands of services are thousands of statements in one transaction: generous on a busy machine. */
    private static final Duration BULK_WAIT = Duration.ofSeconds(90);
    private static final String TEST_DIRECTORY = "classpath:directory/test-directory.yaml";

    @Inject
    InMemoryServiceDirectory directory;
    @Inject
    DirectoryFileApplier applier;
    @Inject
    DirectoryAdminService admin;

    @Test
    void seesAChangeThatAnotherReplicaCommittedWithinSeconds() {
        String id = "sync-test-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            insertBehindTheHubsBack(id);
            TestDatabase.text("""
                    WITH bumped AS (UPDATE directory_state SET version = version + 1 RETURNING version)
                    SELECT pg_notify('hub_directory_changed', version::text) FROM bumped
                    """);

            Awaitility.await("the notification brings the new service").atMost(Duration.ofSeconds(3))
                    .until(() -> directory.find(id).isPresent());
            assertEquals(TestDatabase.count("SELECT version FROM directory_state"), directory.version());
        } finally {
            admin.delete(id, Actor.hub("sync-test")).await().atMost(WAIT);
        }
    }

    @Test
    void catchesUpByComparingVersionsWhenANotificationIsLost() {
        String id = "sync-test-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            insertBehindTheHubsBack(id);
            TestDatabase.execute("UPDATE directory_state SET version = version + 1");
            Awaitility.await("no notification, no change").during(Duration.ofMillis(300))
                    .atMost(Duration.ofSeconds(1)).until(() -> directory.find(id).isEmpty());

            directory.refresh().await().atMost(WAIT); // what the periodic check runs

            assertTrue(directory.find(id).isPresent());
        } finally {
            admin.delete(id, Actor.hub("sync-test")).await().atMost(WAIT);
        }
    }

    @Test
    void aFileAlreadyAppliedIsNotAppliedAgainSoRunTimeChangesSurviveARestart() {
        long version = version();
        DirectoryFileApplier.Outcome outcome = applier.apply(DirectoryFileLoader.load(TEST_DIRECTORY))
                .await().atMost(WAIT);
        assertFalse(outcome.applied());
        assertEquals(version, version());
    }

    @Test
    void aChangedFileReplacesTheDirectoryAndKeepsTheCapacityOfServicesThatStay() {
        String original = readTestDirectory();
        String extraId = "file-test-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            apply(original + extraService(extraId, "First name"));
            assertEquals(Optional.of("First name"), inDatabase(extraId).map(CommunityService::name));
            admin.updateCapacity(extraId, Capacity.Rag.AMBER, 2, Actor.hub("file-test")).await().atMost(WAIT);

            DirectoryFileApplier.Outcome renamed = apply(original + extraService(extraId, "Second name"));

            assertEquals(List.of(), renamed.added());
            assertEquals(List.of(extraId), renamed.changed());
            assertEquals(List.of(), renamed.removed());
            assertEquals(Optional.of("Second name"), inDatabase(extraId).map(CommunityService::name));
            assertEquals(1, TestDatabase.count("""
                    SELECT count(*) FROM service_capacity WHERE service_id = ? AND rag = 'AMBER' AND places = 2
                    """, extraId));
            assertEquals(1, TestDatabase.count("""
                    SELECT count(*) FROM audit_event WHERE entity_id = ? AND action = 'directory-service.update'
                    AND actor = 'directory-file' AND detail -> 'changed' = '["name"]'::jsonb
                    """, extraId));
            assertEquals(1, TestDatabase.count("""
                    SELECT count(*) FROM audit_event
                    WHERE action = 'directory-file.apply' AND entity_type = 'directory-file'
                    AND detail -> 'changed' = jsonb_build_array(?::text)
                    """, extraId));
        } finally {
            DirectoryFileApplier.Outcome restored = apply(original);
            assertEquals(List.of(extraId), restored.removed());
        }
        assertTrue(inDatabase(extraId).isEmpty());
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM service_capacity WHERE service_id = ?", extraId));
    }

    @Test
    void appliesAFileOfThousandsOfServicesInOneTransaction() {
        String original = readTestDirectory();
        StringBuilder large = new StringBuilder(original);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            String id = "file-bulk-" + i;
            ids.add(id);
            large.append(extraService(id, "Bulk service " + i));
        }
        try {
            DirectoryFileApplier.Outcome outcome = apply(large.toString(), BULK_WAIT);

            assertEquals(ids, outcome.added());
            assertEquals(3000, TestDatabase.count("SELECT count(*) FROM directory_service WHERE id LIKE 'file-bulk-%'"));
        } finally {
            assertEquals(ids.stream().sorted().toList(),
                    apply(original, BULK_WAIT).removed().stream().sorted().toList());
        }
        assertEquals(0, TestDatabase.count("SELECT count(*) FROM directory_service WHERE id LIKE 'file-bulk-%'"));
        // The replica reloads thousands of services after each notification: let it settle before the next test.
        Awaitility.await("the replica reloads the directory").atMost(BULK_WAIT).until(() -> {
            directory.refresh().await().atMost(BULK_WAIT);
            return directory.version() == version() && directory.find("file-bulk-0").isEmpty();
        });
    }

    @Test
    void anInvalidFileAtStartStopsTheHubAndChangesNothing() {
        long version = version();
        long services = TestDatabase.rows("directory_service");
        DirectoryConfig invalidFile = new DirectoryConfig() {
            @Override
            public Optional<String> file() {
                return Optional.of("classpath:directory/invalid-directory.yaml");
            }

            @Override
            public Duration ragResetAfter() {
                return Duration.ofHours(4);
            }

            @Override
            public Duration refreshInterval() {
                return Duration.ofHours(1);
            }
        };
        DirectoryStartup startup = new DirectoryStartup(invalidFile, applier, directory);

        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> startup.onStart(null));

        assertEquals(23, e.problems().size(), "every problem of invalid-directory.yaml, as DirectoryFileLoaderTest lists them");
        assertEquals(version, version());
        assertEquals(services, TestDatabase.rows("directory_service"));
        assertTrue(directory.find("test-ucr").isPresent());
    }

    private DirectoryFileApplier.Outcome apply(String yaml) {
        return apply(yaml, WAIT);
    }

    private DirectoryFileApplier.Outcome apply(String yaml, Duration wait) {
        DirectoryFileApplier.Outcome outcome = applier.apply(DirectoryFileLoader.parse(TEST_DIRECTORY,
                yaml.getBytes(StandardCharsets.UTF_8))).await().atMost(wait);
        assertTrue(outcome.applied());
        return outcome;
    }

    private Optional<CommunityService> inDatabase(String id) {
        return admin.find(id).await().atMost(WAIT);
    }

    private static String extraService(String id, String name) {
        return """

                  - id: %s
                    name: %s
                    type: ucr
                    organisation: {odsCode: TST09, name: Testshire Islands Community Trust}
                    catchment: {postcodeDistricts: [ZE1]}
                    openingHours:
                      availableTime: [{daysOfWeek: [mon, tue, wed, thu, fri, sat, sun], allDay: true}]
                    eligibility: {categories: [C3], dispatchPhases: [pre-dispatch]}
                    acceptanceWindowMinutes: 15
                    endpoint: {kind: pull}
                """.formatted(id, name);
    }

    private static String readTestDirectory() {
        try (InputStream in = DirectorySyncTest.class.getResourceAsStream("/directory/test-directory.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A service row written as another replica's transaction would, without this replica hearing of it. */
    private static void insertBehindTheHubsBack(String id) {
        String definition = ServiceDefinitionFormat.write(ServiceDefinitionFormat
                .read(DirectoryFixtures.serviceDefinition(id), "").service().orElseThrow()).toString();
        TestDatabase.execute("""
                INSERT INTO directory_service (id, definition, updated_at, updated_by)
                VALUES (?, ?::jsonb, now(), 'another-replica')
                """, id, definition);
    }

    private static long version() {
        return TestDatabase.count("SELECT version FROM directory_state");
    }
}
