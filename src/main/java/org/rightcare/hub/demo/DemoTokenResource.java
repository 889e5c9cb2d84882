package org.rightcare.hub.demo;

import java.util.Arrays;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.rightcare.hub.support.Problem;

import io.smallrye.config.SmallRyeConfig;

/**
 * {@code POST /demo/token}: a signed bearer token for a demo user or system, so the demo can be explored without an
 * identity provider. Outside the demo (and dev) profile it answers 404 exactly as a path that does not exist.
 */
@Path("/demo/token")
public class DemoTokenResource {

    public record TokenResponse(String access_token, String token_type, long expires_in) {
    }

    private final DemoTokens tokens;
    private final boolean demoProfile;

    public DemoTokenResource(DemoTokens tokens) {
        this.tokens = tokens;
        // Off when the demo is pointed at a real OIDC provider: the hub would not accept the tokens it signed.
        this.demoProfile = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class).getProfiles().contains("demo")
                && ConfigProvider.getConfig().getOptionalValue("quarkus.oidc.auth-server-url", String.class).isEmpty();
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Demo profile only: issue a token (form fields sub, org, roles, optional scope)")
    public TokenResponse issue(@FormParam("sub") String subject, @FormParam("org") String organisation,
            @FormParam("roles") String roles, @FormParam("scope") String scope) {
        if (!demoProfile) {
            throw new NotFoundException();
        }
        if (subject == null || subject.isBlank()) {
            throw new BadFormException("sub is required: the user or system the token is for");
        }
        List<String> roleList = roles == null ? List.of()
                : Arrays.stream(roles.split("[,\\s]+")).filter(r -> !r.isBlank()).toList();
        return new TokenResponse(tokens.issue(subject, organisation, roleList, scope), "Bearer",
                DemoTokens.LIFETIME.toSeconds());
    }

    /** A 400 problem for a form the endpoint cannot use. */
    static final class BadFormException extends jakarta.ws.rs.WebApplicationException {
        BadFormException(String detail) {
            super(Problem.of(400, "bad-request", "Bad request", detail).toResponse());
        }
    }
}
