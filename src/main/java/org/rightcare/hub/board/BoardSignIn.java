package org.rightcare.hub.board;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.ConfigProvider;
import org.rightcare.hub.demo.DemoBoardClient;
import org.rightcare.hub.demo.DemoOidcProvider;

import io.quarkus.oidc.OidcRequestContext;
import io.quarkus.oidc.OidcTenantConfig;
import io.quarkus.oidc.TenantConfigResolver;
import io.quarkus.oidc.runtime.OidcTenantConfig.ApplicationType;
import io.quarkus.oidc.runtime.OidcTenantConfig.Authentication.CookieSameSite;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * How people sign in to the board: the authorisation code flow, as NHS CIS2 does, with the session in an encrypted
 * cookie that only {@code /board} sees. The FHIR API keeps its bearer tokens (the default tenant); this resolver
 * gives {@code /board} its own tenant, pointing at the hub's demo provider ({@link DemoOidcProvider}) in the demo and
 * test profiles. Where a real provider is configured it steps aside and the static {@code quarkus.oidc.board} tenant
 * applies.
 */
@ApplicationScoped
public class BoardSignIn implements TenantConfigResolver {

    public static final String TENANT = "board";

    private final DemoBoardClient client;
    private final boolean demoProvider;
    private final String issuer;

    public BoardSignIn(DemoBoardClient client) {
        this.client = client;
        this.demoProvider = DemoOidcProvider.enabled();
        this.issuer = ConfigProvider.getConfig().getOptionalValue("quarkus.oidc.token.issuer", String.class).orElse("");
    }

    static boolean isBoardPath(String path) {
        return path != null && (path.equals("/board") || path.startsWith("/board/"));
    }

    @Override
    public Uni<OidcTenantConfig> resolve(RoutingContext context, OidcRequestContext<OidcTenantConfig> request) {
        if (!demoProvider || !isBoardPath(context.normalizedPath())) {
            return Uni.createFrom().nullItem();
        }
        // The demo provider is this very hub, reached at the address the browser used.
        String origin = context.request().scheme() + "://" + context.request().authority();
        return Uni.createFrom().item(OidcTenantConfig.authServerUrl(origin + "/demo/oidc")
                .tenantId(TENANT)
                .applicationType(ApplicationType.WEB_APP)
                .discoveryEnabled(false)
                .authorizationPath("authorize")
                .tokenPath("token")
                .jwksPath("jwks")
                .clientId(DemoOidcProvider.BOARD_CLIENT_ID)
                .credentials(client.secret())
                .token().issuer(issuer).end()
                .roles().roleClaimPath("roles").end()
                .authentication()
                .cookiePath("/board")
                .cookieSameSite(CookieSameSite.STRICT)
                .sessionAgeExtension(Duration.ZERO)
                .end()
                .build());
    }
}
