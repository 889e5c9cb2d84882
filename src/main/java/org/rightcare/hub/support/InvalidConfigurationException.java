package org.rightcare.hub.support;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration file was refused. It carries every problem found, not just the first, so that one edit can fix
 * them all; the message lists them one per line as {@code file:line: reason (pointer)}.
 */
public class InvalidConfigurationException extends RuntimeException {

    private final List<ConfigProblem> problems;

    public InvalidConfigurationException(List<ConfigProblem> problems) {
        super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("An invalid configuration has at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
