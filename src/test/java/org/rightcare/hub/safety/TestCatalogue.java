package org.rightcare.hub.safety;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Disabled;
import org.junit.platform.commons.annotation.Testable;

/**
 * The test classes under {@code src/test/java}, by simple name, and whether a {@code Class#method} the hazard log
 * names is a test that runs: the class exists, the method exists and is a JUnit test (its annotation is
 * {@link Testable}: {@code @Test}, {@code @ParameterizedTest} and the like), and neither is {@link Disabled}.
 * Classes are loaded without being initialised, so no test runs and no Quarkus boots.
 */
final class TestCatalogue {

    private final Map<String, String> classesBySimpleName;

    TestCatalogue(Map<String, String> classesBySimpleName) {
        this.classesBySimpleName = Map.copyOf(classesBySimpleName);
    }

    /** Every top-level class under a test source root, by its simple name. */
    static TestCatalogue scan(Path testSources) throws IOException {
        Map<String, String> classes = new HashMap<>();
        try (Stream<Path> files = Files.walk(testSources)) {
            files.filter(file -> file.toString().endsWith(".java")).forEach(file -> {
                String relative = testSources.relativize(file).toString();
                String name = relative.substring(0, relative.length() - ".java".length())
                        .replace(file.getFileSystem().getSeparator(), ".");
                classes.put(name.substring(name.lastIndexOf('.') + 1), name);
            });
        }
        return new TestCatalogue(classes);
    }

    /** Why the named test would not prove anything in a build, or empty when it is a test that runs. */
    Optional<String> problem(HazardLog.TestRef test) {
        String className = classesBySimpleName.get(test.className());
        if (className == null) {
            return Optional.of("no test class " + test.className() + " in src/test/java");
        }
        Class<?> type;
        try {
            type = Class.forName(className, false, TestCatalogue.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.of(test.className() + " cannot be loaded: " + e);
        }
        if (type.isAnnotationPresent(Disabled.class)) {
            return Optional.of(test.className() + " is @Disabled");
        }
        Method[] candidates = Stream.concat(Arrays.stream(type.getDeclaredMethods()), superMethods(type))
                .filter(method -> method.getName().equals(test.method()))
                .toArray(Method[]::new);
        if (candidates.length == 0) {
            return Optional.of(test.className() + " has no method " + test.method());
        }
        for (Method method : candidates) {
            if (isTest(method)) {
                return method.isAnnotationPresent(Disabled.class)
                        ? Optional.of(test + " is @Disabled")
                        : Optional.empty();
            }
        }
        return Optional.of(test + " is not a test (no @Test or other JUnit test annotation)");
    }

    private static Stream<Method> superMethods(Class<?> type) {
        Class<?> parent = type.getSuperclass();
        return parent == null || parent == Object.class
                ? Stream.empty()
                : Stream.concat(Arrays.stream(parent.getDeclaredMethods()), superMethods(parent));
    }

    private static boolean isTest(AnnotatedElement element) {
        return hasTestable(element.getAnnotations(), new HashSet<>());
    }

    private static boolean hasTestable(Annotation[] annotations, Set<Class<?>> visited) {
        for (Annotation annotation : annotations) {
            Class<? extends Annotation> type = annotation.annotationType();
            if (type == Testable.class) {
                return true;
            }
            if (visited.add(type) && hasTestable(type.getAnnotations(), visited)) {
                return true;
            }
        }
        return false;
    }
}
