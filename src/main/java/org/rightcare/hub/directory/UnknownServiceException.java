package org.rightcare.hub.directory;

/** The directory has no service with this id. */
public class UnknownServiceException extends RuntimeException {

    private final String serviceId;

    public UnknownServiceException(String serviceId) {
        super("The directory has no service " + serviceId);
        this.serviceId = serviceId;
    }

    public String serviceId() {
        return serviceId;
    }
}
