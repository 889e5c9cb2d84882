package org.rightcare.hub.board;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.security.Caller;
import org.rightcare.hub.security.Callers;
import org.rightcare.hub.stack.StackClaims;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * The hub board's pages: the stack, one case, and the actions on it. The pages only map HTTP to the board's views and
 * to the same domain operations (and audit) as the FHIR API; what a person sees is what their organisation may see.
 * URLs carry referral ids only, never anything that identifies a patient.
 */
@Path("/board")
@Authenticated
@Produces(MediaType.TEXT_HTML)
public class BoardResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance stack(Caller caller, List<BoardStack.Row> rows, List<ServiceType> types,
                String type, String area);

        static native TemplateInstance rows(List<BoardStack.Row> rows);

        static native TemplateInstance caseView(Caller caller, BoardCase.Model model, String csrf, String notice);

        static native TemplateInstance message(Caller caller, String title, String detail);
    }

    private final Callers callers;
    private final SecurityIdentity identity;
    private final BoardStack stack;
    private final BoardCase cases;
    private final BoardCsrf csrf;
    private final StackClaims claims;

    public BoardResource(Callers callers, SecurityIdentity identity, BoardStack stack, BoardCase cases, BoardCsrf csrf,
            StackClaims claims) {
        this.callers = callers;
        this.identity = identity;
        this.stack = stack;
        this.cases = cases;
        this.csrf = csrf;
        this.claims = claims;
    }

    @GET
    public Uni<TemplateInstance> stack(@QueryParam("type") String type, @QueryParam("area") String area) {
        Caller caller = callers.current();
        return stack.rows(caller, new BoardStack.Filter(type, area))
                .map(rows -> Templates.stack(caller, rows, stack.serviceTypes(caller), blank(type), blank(area)));
    }

    /** The stack's rows alone: the page polls this to stay live without a reload. */
    @GET
    @Path("/stack/rows")
    public Uni<TemplateInstance> rows(@QueryParam("type") String type, @QueryParam("area") String area) {
        return stack.rows(callers.current(), new BoardStack.Filter(type, area)).map(Templates::rows);
    }

    @GET
    @Path("/cases/{id}")
    public Uni<Response> caseView(@PathParam("id") String id, @QueryParam("notice") String notice) {
        Caller caller = callers.current();
        UUID referralId = parse(id);
        if (referralId == null) {
            return Uni.createFrom().item(notFound(caller));
        }
        return cases.forCaller(caller, referralId).map(model -> model
                .map(m -> Response.ok(Templates.caseView(caller, m, csrf.tokenFor(identity), notice(notice))).build())
                .orElseGet(() -> notFound(caller)));
    }

    @POST
    @Path("/cases/{id}/claim")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> claim(@PathParam("id") String id, @FormParam("csrf") String token,
            @FormParam("service") String serviceId) {
        Caller caller = callers.current();
        if (!csrf.isValid(identity, token)) {
            return Uni.createFrom().item(forbidden(caller));
        }
        UUID referralId = parse(id);
        if (referralId == null) {
            return Uni.createFrom().item(notFound(caller));
        }
        return claims.claim(caller, referralId, blank(serviceId)).map(result -> {
            if (result instanceof StackClaims.Claimed) {
                return backToCase(referralId, "claimed");
            }
            if (result instanceof StackClaims.NoLongerOpen gone) {
                return message(caller, 409, "Case no longer open", gone.detail());
            }
            if (result instanceof StackClaims.ServiceNotEligible refused) {
                return message(caller, 409, "Cannot claim", refused.detail());
            }
            return notFound(caller);
        });
    }

    private static Response backToCase(UUID referralId, String notice) {
        return Response.seeOther(URI.create("/board/cases/" + referralId + "?notice=" + notice)).build();
    }

    /** Notices come back in the URL after an action, so only known words are shown. */
    private static String notice(String notice) {
        return switch (notice == null ? "" : notice) {
            case "claimed" -> "You claimed this case: the ambulance service has been told.";
            case "accepted" -> "You accepted this case: the ambulance service has been told.";
            case "rejected" -> "You declined this offer: the hub is offering the case elsewhere.";
            default -> null;
        };
    }

    private static Response notFound(Caller caller) {
        return message(caller, 404, "Case not found",
                "There is no such case, or your organisation may not see it.");
    }

    private static Response forbidden(Caller caller) {
        return message(caller, 403, "Form expired",
                "The form did not come from your current session. Go back, reload the page and try again.");
    }

    private static Response message(Caller caller, int status, String title, String detail) {
        return Response.status(status).type(MediaType.TEXT_HTML)
                .entity(Templates.message(caller, title, detail).render()).build();
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
