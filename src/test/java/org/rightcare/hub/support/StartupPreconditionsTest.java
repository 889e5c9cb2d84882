package org.rightcare.hub.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The prod profile's refusal to start: a real database and identity provider, and the board's own sign-in. */
class StartupPreconditionsTest {

    private static Map<String, String> productionSettings() {
        Map<String, String> settings = new HashMap<>();
        settings.put("quarkus.datasource.reactive.url", "postgresql://db:5432/hub");
        settings.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://db:5432/hub");
        settings.put("quarkus.datasource.username", "hub");
        settings.put("hub.public-base-url", "https://rightcare-hub.example.nhs.uk");
        settings.put("quarkus.oidc.auth-server-url", "https://keycloak/realms/rightcare");
        return settings;
    }

    private static List<String> missing(Map<String, String> settings) {
        return StartupPreconditions.missingProductionSettings(name -> Optional.ofNullable(settings.get(name)));
    }

    @Test
    void refusesToStartWithoutTheBoardTenant() {
        List<String> missing = missing(productionSettings());
        assertEquals(1, missing.size(), missing.toString());
        assertTrue(missing.get(0).contains("QUARKUS_OIDC_BOARD_AUTH_SERVER_URL"), missing.get(0));
        assertTrue(missing.get(0).contains("HUB_BOARD_ENABLED=false"), missing.get(0));
    }

    @Test
    void startsWithTheBoardTenant() {
        Map<String, String> settings = productionSettings();
        settings.put("quarkus.oidc.board.auth-server-url", "https://keycloak/realms/rightcare");
        assertEquals(List.of(), missing(settings));
    }

    @Test
    void startsWithoutABoardWhenToldToServeNone() {
        Map<String, String> settings = productionSettings();
        settings.put("hub.board.enabled", "false");
        assertEquals(List.of(), missing(settings));
    }

    @Test
    void namesEveryMissingSetting() {
        assertEquals(6, missing(Map.of()).size());
    }
}
