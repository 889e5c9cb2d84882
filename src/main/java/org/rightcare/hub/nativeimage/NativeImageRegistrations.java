package org.rightcare.hub.nativeimage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.function.Function;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.graalvm.nativeimage.hosted.Feature;
import org.graalvm.nativeimage.hosted.RuntimeReflection;

/**
 * What the native image needs that static analysis cannot see, registered when the image is built (the {@code native}
 * Maven profile names this feature): HAPI FHIR finds its R4 model classes and their fields by reflection
 * ({@code ModelScanner}, the parsers, {@code FhirContext.forR4()} loading {@code FhirR4}), and Jackson reads and
 * writes the hub's own records (webhook payloads, admin API answers, YAML config) through their accessors.
 *
 * <p>
 * Whole packages are registered rather than a list of classes, so a HAPI upgrade or a new record needs no edit
 * here. Runs only inside {@code native-image}; the JVM build never loads it. This build machine has no GraalVM, so
 * the native build is proven only where CI has one (.github/workflows/native.yml).
 */
public final class NativeImageRegistrations implements Feature {

    /**
     * A package to list, in the jar (or directory) that holds {@code anchor}: its own classes, and with
     * {@code subpackages} theirs too.
     */
    record Scan(String anchor, String directory, boolean subpackages) {
        boolean holds(String entry) {
            return entry.endsWith(".class") && entry.startsWith(directory)
                    && (subpackages || entry.indexOf('/', directory.length()) < 0);
        }
    }

    /** Packages whose every class HAPI may reach by reflection (not the code-system enums beside them). */
    static final List<Scan> FHIR = List.of(
            new Scan("org.hl7.fhir.r4.model.Patient", "org/hl7/fhir/r4/model/", false),
            new Scan("org.hl7.fhir.r4.hapi.ctx.FhirR4", "org/hl7/fhir/r4/hapi/ctx/", false));
    static final List<Scan> HUB = List.of(
            new Scan(NativeImageRegistrations.class.getName(), "org/rightcare/hub/", true));

    @Override
    public void beforeAnalysis(BeforeAnalysisAccess access) {
        for (String className : classes(access::findClassByName, FHIR)) {
            register(access.findClassByName(className));
        }
        for (String className : classes(access::findClassByName, HUB)) {
            Class<?> type = access.findClassByName(className);
            if (type != null && type.isRecord()) {
                register(type);
            }
        }
    }

    private static void register(Class<?> type) {
        if (type == null) {
            return;
        }
        RuntimeReflection.register(type);
        RuntimeReflection.register(type.getDeclaredConstructors());
        RuntimeReflection.register(type.getDeclaredMethods());
        RuntimeReflection.register(type.getDeclaredFields());
    }

    /** The names of every class the scans list, each found through {@code find} (a class by name). */
    static List<String> classes(Function<String, Class<?>> find, List<Scan> scans) {
        List<String> names = new ArrayList<>();
        for (Scan scan : scans) {
            Class<?> anchor = find.apply(scan.anchor());
            CodeSource source = anchor == null ? null : anchor.getProtectionDomain().getCodeSource();
            if (source == null) {
                throw new IllegalStateException("Cannot find where " + scan.anchor() + " was loaded from");
            }
            try {
                Path location = Path.of(source.getLocation().toURI());
                names.addAll(Files.isDirectory(location) ? fromDirectory(location, scan) : fromJar(location, scan));
            } catch (URISyntaxException | IOException e) {
                throw new IllegalStateException("Cannot list the classes next to " + scan.anchor(), e);
            }
        }
        return names;
    }

    private static List<String> fromJar(Path jar, Scan scan) throws IOException {
        List<String> names = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                if (scan.holds(name)) {
                    names.add(className(name));
                }
            }
        }
        return names;
    }

    private static List<String> fromDirectory(Path root, Scan scan) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.map(file -> root.relativize(file).toString().replace('\\', '/'))
                    .filter(scan::holds).map(NativeImageRegistrations::className).toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static String className(String entry) {
        return entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
    }
}
