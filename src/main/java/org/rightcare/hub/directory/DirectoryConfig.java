package org.rightcare.hub.directory;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The service directory: where its file is, and how fresh each replica's copy and each capacity statement are. */
@ConfigMapping(prefix = "hub.directory")
public interface DirectoryConfig {

    /**
     * The directory file (YAML) that ICB engineers keep in git: a filesystem path, or {@code classpath:} and a
     * resource name. At start it is applied to the database when its content differs from the file applied last;
     * an invalid file stops the hub from starting. Unset: the directory is what the database holds, managed through
     * the admin API alone.
     */
    Optional<String> file();

    /**
     * How long a RAG status holds without being refreshed. A service that said AMBER or RED longer ago than this
     * counts as GREEN again, as the NHS Directory of Services resets it, so a status nobody updates cannot block
     * referrals for ever.
     */
    @WithDefault("PT4H")
    Duration ragResetAfter();

    /**
     * How often each replica compares its in-memory directory with the database version, in case it missed a change
     * notification (a dropped LISTEN connection). Changes normally arrive within a second by notification.
     */
    @WithDefault("PT10S")
    Duration refreshInterval();
}
