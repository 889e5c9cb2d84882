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
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.graalvm.nativeimage.hosted.Feature;
import org.graalvm.nativeimage.hosted.RuntimeReflection;

/**
 * What the native image needs that static analysis cannot see, registered when the image is built (the
 * {@code quarkus.native.additional-build-args} in application.properties name this feature): HAPI FHIR finds its R4
 * model classes and their fields by reflection ({@code ModelScanner}, the parsers, {@code FhirContext.forR4()} loading
 * {@code FhirR4}), and Jackson reads and writes the hub's own records (webhook payloads, admin API answers, YAML
 * config) through their accessors.
 *
 * <p>
 * Whole packages are registered rather than a list of classes, so a HAPI upgrade or a new record needs no edit here.
 * A class of those packages that cannot be loaded or linked (one that refers to an optional library the hub does not
 * ship) is left out and named in the build's output rather than failing the build: the hub cannot reach such a class
 * at run time either. {@code NativeImageRegistrationsTest} loads and introspects every class registered here on the
 * JVM, so a missing library shows in seconds there, not after minutes of a native build. Runs only inside
 * {@code native-image}; the JVM build never loads it.
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
    /**
     * Element types of the R4 model that live outside its packages, which HAPI instantiates by reflection like the
     * rest: the narrative's XHTML. {@code NativeImageRegistrationsTest} compares this with every element type HAPI's
     * own model scan finds.
     */
    static final List<String> FHIR_ELEMENTS_ELSEWHERE = List.of("org.hl7.fhir.utilities.xhtml.XhtmlNode");
    /** The hub's own classes, of which the records are registered. */
    static final List<Scan> HUB = List.of(
            new Scan(NativeImageRegistrations.class.getName(), "org/rightcare/hub/", true));

    /**
     * The classes to register, and the classes of the scanned packages left out because they cannot be loaded or
     * linked (class name to the error).
     */
    record Registrations(List<Class<?>> classes, Map<String, String> skipped) {
    }

    @Override
    public void beforeAnalysis(BeforeAnalysisAccess access) {
        Registrations registrations = registrations(access::findClassByName);
        Map<String, String> skipped = new TreeMap<>(registrations.skipped());
        int registered = 0;
        for (Class<?> type : registrations.classes()) {
            try {
                RuntimeReflection.register(type);
                RuntimeReflection.register(type.getDeclaredConstructors());
                RuntimeReflection.register(type.getDeclaredMethods());
                RuntimeReflection.register(type.getDeclaredFields());
                registered++;
            } catch (LinkageError e) {
                skipped.put(type.getName(), e.toString());
            }
        }
        System.out.println(report(registered, skipped));
    }

    /** What the build prints: how many classes were registered and which were left out, and why. */
    static String report(int registered, Map<String, String> skipped) {
        StringBuilder report = new StringBuilder("NativeImageRegistrations: registered ").append(registered)
                .append(" classes for reflection");
        if (skipped.isEmpty()) {
            return report.toString();
        }
        report.append("; left out ").append(skipped.size()).append(" that cannot be loaded or linked:");
        skipped.forEach((name, error) -> report.append("\n  ").append(name).append(" (").append(error).append(')'));
        return report.toString();
    }

    /**
     * Every R4 model class, the element types elsewhere, and the hub's records, each found through {@code find} (a class by
     * name, without
     * initialising it) and linked as registration links it, by listing its declared members.
     */
    static Registrations registrations(Function<String, Class<?>> find) {
        List<Class<?>> classes = new ArrayList<>();
        Map<String, String> skipped = new TreeMap<>();
        for (String name : classes(find, FHIR)) {
            consider(name, find, type -> true, classes, skipped);
        }
        for (String name : FHIR_ELEMENTS_ELSEWHERE) {
            consider(name, find, type -> true, classes, skipped);
        }
        for (String name : classes(find, HUB)) {
            consider(name, find, Class::isRecord, classes, skipped);
        }
        return new Registrations(classes, skipped);
    }

    private static void consider(String name, Function<String, Class<?>> find, Predicate<Class<?>> wanted,
            List<Class<?>> classes, Map<String, String> skipped) {
        try {
            Class<?> type = find.apply(name);
            if (type == null) {
                skipped.put(name, "not found");
            } else if (wanted.test(type)) {
                type.getDeclaredConstructors();
                type.getDeclaredMethods();
                type.getDeclaredFields();
                classes.add(type);
            }
        } catch (LinkageError e) {
            skipped.put(name, e.toString());
        }
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
