package org.rightcare.hub.audit;

/**
 * Who is acting, as the audit trail names them: the bearer token's subject and the ODS code of the organisation it
 * acts for ({@code security.Caller#actor()}), or the hub itself for changes it makes on its own account.
 */
public record Actor(String name, String organisation) {

    /** The hub acting on its own account, such as applying the directory file at start. */
    public static Actor hub(String role) {
        return new Actor(role, null);
    }
}
