package org.rightcare.hub.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ScopesTest {

    @Test
    void readsSmartV1AndV2SystemScopes() {
        assertEquals(List.of(Permission.read("Task")), Scopes.permissions(List.of("system/Task.read")));
        assertEquals(List.of(Permission.write("Task")), Scopes.permissions(List.of("system/Task.write")));
        assertEquals(List.of(Permission.read("*"), Permission.write("*")), Scopes.permissions(List.of("system/*.*")));
        assertEquals(List.of(Permission.read("Task")), Scopes.permissions(List.of("system/Task.rs")));
        assertEquals(List.of(Permission.read("Task"), Permission.write("Task")),
                Scopes.permissions(List.of("system/Task.cruds")));
        assertEquals(List.of(Permission.write("Task")), Scopes.permissions(List.of("user/Task.u")));
    }

    @Test
    void aTokenWithoutSmartScopesIsLimitedByItsRolesAlone() {
        assertNull(Scopes.permissions(List.of("openid", "profile")));
        // A patient-context scope is a SMART scope that grants this API nothing.
        assertEquals(List.of(), Scopes.permissions(List.of("patient/Task.read")));
    }

    @Test
    void scopesNarrowWhatARoleAllowsAndNeverWidenIt() {
        Caller readOnly = new Caller("s", "XWC", Set.of(Roles.PROVIDER), List.of(Permission.read("Task")));
        assertTrue(readOnly.may(Permission.read("Task")));
        assertFalse(readOnly.may(Permission.write("Task")));
        Caller auditorWithWideScopes = new Caller("a", null, Set.of(Roles.AUDITOR),
                List.of(Permission.read("*"), Permission.write("*")));
        assertTrue(auditorWithWideScopes.may(Permission.read("AuditEvent")));
        assertFalse(auditorWithWideScopes.may(Permission.read("ServiceRequest")));
    }
}
