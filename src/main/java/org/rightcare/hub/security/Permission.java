package org.rightcare.hub.security;

import java.util.Locale;

/**
 * Something a caller may do to one FHIR resource type, named as a SMART system scope names it
 * ({@code system/Task.write}). A resource type of {@code *} stands for every type.
 */
public record Permission(String resourceType, Access access) {

    public enum Access {
        READ,
        WRITE;

        String scopeSuffix() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static Permission read(String resourceType) {
        return new Permission(resourceType, Access.READ);
    }

    public static Permission write(String resourceType) {
        return new Permission(resourceType, Access.WRITE);
    }

    /** Whether holding this permission allows {@code wanted}. */
    public boolean covers(Permission wanted) {
        return access == wanted.access && (resourceType.equals("*") || resourceType.equals(wanted.resourceType));
    }

    /** The SMART v1 system scope that asks for exactly this permission. */
    public String scope() {
        return "system/" + resourceType + "." + access.scopeSuffix();
    }
}
