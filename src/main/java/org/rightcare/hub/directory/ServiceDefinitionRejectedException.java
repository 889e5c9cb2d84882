package org.rightcare.hub.directory;

import java.util.List;

import org.rightcare.hub.support.FieldError;

/** A service definition broke a directory rule; each broken rule is named by JSON pointer into the definition. */
public class ServiceDefinitionRejectedException extends RuntimeException {

    private final List<FieldError> errors;

    public ServiceDefinitionRejectedException(List<FieldError> errors) {
        super(errors.toString(), null, false, false);
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
