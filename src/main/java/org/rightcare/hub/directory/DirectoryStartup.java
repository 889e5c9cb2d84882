package org.rightcare.hub.directory;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.rightcare.hub.support.InvalidConfigurationException;

import io.quarkus.runtime.StartupEvent;

/**
 * At start, before the hub takes requests: applies the directory file if it changed since it was last applied, then
 * loads the directory into memory and starts following changes. An invalid file stops the hub from starting, with
 * every problem listed, rather than let it route with a directory nobody meant.
 */
@ApplicationScoped
public class DirectoryStartup {

    private static final Logger LOG = Logger.getLogger(DirectoryStartup.class);
    private static final Duration APPLY_TIMEOUT = Duration.ofMinutes(2);

    private final DirectoryConfig config;
    private final DirectoryFileApplier applier;
    private final InMemoryServiceDirectory directory;

    public DirectoryStartup(DirectoryConfig config, DirectoryFileApplier applier, InMemoryServiceDirectory directory) {
        this.config = config;
        this.applier = applier;
        this.directory = directory;
    }

    void onStart(@Observes StartupEvent event) {
        config.file().ifPresentOrElse(this::applyFile,
                () -> LOG.info("hub.directory.file is not set: the directory is what the database holds"));
        directory.start();
        LOG.infof("Service directory version %d: %d services", directory.version(), directory.services().size());
    }

    private void applyFile(String location) {
        DirectoryFileLoader.DirectoryFile file;
        try {
            file = DirectoryFileLoader.load(location);
        } catch (InvalidConfigurationException e) {
            LOG.errorf("The directory file %s is invalid, so the hub does not start. Fix every problem below:%n%s",
                    location, e.getMessage());
            throw e;
        }
        DirectoryFileApplier.Outcome outcome = applier.apply(file).await().atMost(APPLY_TIMEOUT);
        if (outcome.applied()) {
            LOG.infof("Applied directory file %s (sha256 %s) as version %d: added %s, changed %s, removed %s",
                    location, file.sha256(), outcome.version(), outcome.added(), outcome.changed(), outcome.removed());
        } else {
            LOG.infof("Directory file %s is unchanged since it was applied (sha256 %s); keeping the database "
                    + "directory with its run-time changes", location, file.sha256());
        }
    }
}
