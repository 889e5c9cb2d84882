package org.rightcare.hub.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the configuration files integration engineers keep in git (the service directory, the routing policy): from
 * a filesystem path, or from the hub's own classpath with a {@code classpath:} prefix for the files it ships.
 */
public final class ConfigFiles {

    public static final String CLASSPATH_PREFIX = "classpath:";

    private ConfigFiles() {
    }

    /** The file's bytes; an unreadable file is an {@link InvalidConfigurationException} naming it and why. */
    public static byte[] read(String location) {
        try {
            if (location.startsWith(CLASSPATH_PREFIX)) {
                String resource = location.substring(CLASSPATH_PREFIX.length()).replaceFirst("^/", "");
                ClassLoader loader = Thread.currentThread().getContextClassLoader();
                try (InputStream in = loader.getResourceAsStream(resource)) {
                    if (in == null) {
                        throw unreadable(location, "no such classpath resource");
                    }
                    return in.readAllBytes();
                }
            }
            return Files.readAllBytes(Path.of(location));
        } catch (NoSuchFileException e) {
            throw unreadable(location, "no such file (working directory " + Path.of("").toAbsolutePath() + ")");
        } catch (IOException e) {
            throw unreadable(location, "cannot read the file: " + e);
        }
    }

    private static InvalidConfigurationException unreadable(String location, String reason) {
        return new InvalidConfigurationException(List.of(new ConfigProblem(location, 1, "", reason)));
    }
}
