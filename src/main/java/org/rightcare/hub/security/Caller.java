package org.rightcare.hub.security;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.rightcare.hub.audit.Actor;

/**
 * Who is calling, as the hub's rules need it: the subject, the organisation (ODS code) the token speaks for, the
 * roles, and the SMART scopes the token was granted. A call is allowed when a role allows it and, if the token
 * carries SMART scopes at all, a scope allows it too: scopes narrow what a role may do, they never widen it.
 *
 * @param scopePermissions what the token's SMART scopes grant, or null when it carries none
 */
public record Caller(String subject, String organisation, Set<String> roles, List<Permission> scopePermissions) {

    /** A caller without a token the hub trusts: no roles, so it may do nothing. */
    public static final Caller UNAUTHENTICATED = new Caller("unauthenticated", null, Set.of(), List.of());

    public Optional<String> organisationCode() {
        return Optional.ofNullable(organisation).filter(o -> !o.isBlank());
    }

    public boolean has(String role) {
        return roles.contains(role);
    }

    /** Whether any of the caller's roles, within its scopes, allows {@code wanted}. */
    public boolean may(Permission wanted) {
        boolean byRole = roles.stream().flatMap(role -> Roles.grants(role).stream()).anyMatch(p -> p.covers(wanted));
        boolean byScope = scopePermissions == null || scopePermissions.stream().anyMatch(p -> p.covers(wanted));
        return byRole && byScope;
    }

    /** A community provider system or team member: sees only what its organisation was offered or may claim. */
    public boolean isProvider() {
        return has(Roles.PROVIDER) && organisationCode().isPresent();
    }

    /** The hub's own staff, who see every case. */
    public boolean isHubStaff() {
        return has(Roles.HUB_CLINICIAN) || has(Roles.HUB_ADMIN);
    }

    /** The caller as the audit trail names it. */
    public Actor actor() {
        return new Actor(subject, organisation);
    }
}
