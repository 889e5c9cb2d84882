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

import org.rightcare.hub.cascade.ClinicianSendBacks;
import org.rightcare.hub.cascade.OfferAnswers;
import org.rightcare.hub.cascade.StackClaims;
import org.rightcare.hub.directory.Capacity;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.referral.SendBackReason;
import org.rightcare.hub.security.Caller;
import org.rightcare.hub.security.Callers;
import org.rightcare.hub.whatif.WhatIfReportHtml;
import org.rightcare.hub.whatif.WhatIfScenario;
import org.rightcare.hub.whatif.WhatIfService;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

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

        static native TemplateInstance caseView(Caller caller, BoardCase.Model model, String csrf, String notice,
                List<BoardAnswers.DeclineReason> reasons, List<SendBackReason> sendBackReasons);

        static native TemplateInstance capacity(Caller caller, List<BoardCapacity.ServiceCapacity> services,
                String csrf, String notice);

        static native TemplateInstance message(Caller caller, String title, String detail);

        static native TemplateInstance flow(Caller caller, BoardFlow.Flow flow, List<ServiceType> types, String type);
    }

    /** What a clinician may give as the reason: the contract's codes, less those only the hub's own rules decide. */
    static final List<SendBackReason> SEND_BACK_REASONS = List.of(SendBackReason.CLINICALLY_INAPPROPRIATE,
            SendBackReason.NO_CAPACITY, SendBackReason.SERVICE_CLOSED, SendBackReason.OUT_OF_AREA,
            SendBackReason.NO_ELIGIBLE_SERVICE, SendBackReason.OTHER);

    private final Callers callers;
    private final SecurityIdentity identity;
    private final BoardStack stack;
    private final BoardCase cases;
    private final BoardCsrf csrf;
    private final StackClaims claims;
    private final BoardAnswers answers;
    private final BoardCapacity capacity;
    private final ClinicianSendBacks sendBacks;
    private final BoardFlow flow;
    private final WhatIfService whatIf;

    public BoardResource(Callers callers, SecurityIdentity identity, BoardStack stack, BoardCase cases, BoardCsrf csrf,
            StackClaims claims, BoardAnswers answers, BoardCapacity capacity, ClinicianSendBacks sendBacks,
            BoardFlow flow, WhatIfService whatIf) {
        this.callers = callers;
        this.identity = identity;
        this.stack = stack;
        this.cases = cases;
        this.csrf = csrf;
        this.claims = claims;
        this.answers = answers;
        this.capacity = capacity;
        this.sendBacks = sendBacks;
        this.flow = flow;
        this.whatIf = whatIf;
    }

    /**
     * The what-if report for the ICB, on the board: the scenario's generated week, the baseline beside each variant
     * asked for ({@code variant}, repeatable). The same run as {@code /admin/what-if/report}, audited the same way.
     */
    @GET
    @Path("/what-if")
    public Uni<Response> whatIf(@QueryParam("variant") List<String> variants) {
        Caller caller = callers.current();
        if (!caller.isHubStaff()) {
            return Uni.createFrom().item(message(caller, 404, "Not found", "The what-if report is for the hub's staff."));
        }
        List<JsonNode> asked = variants == null ? List.of()
                : variants.stream().filter(v -> !v.isBlank()).map(v -> (JsonNode) TextNode.valueOf(v)).toList();
        return whatIf.run(new WhatIfService.RunRequest(null, null, null, asked, null), caller.actor())
                .map(report -> Response.ok(WhatIfReportHtml.render(report), MediaType.TEXT_HTML + "; charset=utf-8")
                        .build())
                .onFailure(WhatIfScenario.VariantRejectedException.class)
                .recoverWithItem(e -> message(caller, 422, "Not a variant of the scenario", e.getMessage()));
    }

    /** The flow over the last day, for the hub and the ICB (the hub's staff); nobody else's business. */
    @GET
    @Path("/flow")
    public Uni<Response> flow(@QueryParam("type") String type) {
        Caller caller = callers.current();
        if (!caller.isHubStaff()) {
            return Uni.createFrom().item(message(caller, 404, "Not found", "The flow view is for the hub's staff."));
        }
        String chosen = ServiceType.fromCode(type == null ? "" : type).map(ServiceType::code).orElse(null);
        return flow.lastDay(chosen).map(f -> Response.ok(Templates.flow(caller, f, stack.serviceTypes(caller), chosen))
                .build());
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
                .map(m -> Response.ok(Templates.caseView(caller, m, csrf.tokenFor(identity), notice(notice),
                        BoardAnswers.DECLINE_REASONS, SEND_BACK_REASONS)).build())
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
            if (result instanceof StackClaims.NotClaimable refused) {
                return message(caller, 409, "Cannot claim", refused.reason());
            }
            if (result instanceof StackClaims.ServiceNotEligible refused) {
                return message(caller, 409, "Cannot claim", refused.detail());
            }
            return notFound(caller);
        });
    }

    @POST
    @Path("/cases/{id}/send-back")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> sendBack(@PathParam("id") String id, @FormParam("csrf") String token,
            @FormParam("reason") String reasonCode) {
        Caller caller = callers.current();
        if (!csrf.isValid(identity, token)) {
            return Uni.createFrom().item(forbidden(caller));
        }
        UUID referralId = parse(id);
        SendBackReason reason = SendBackReason.fromCode(reasonCode == null ? "" : reasonCode)
                .filter(SEND_BACK_REASONS::contains).orElse(null);
        if (referralId == null || reason == null) {
            return Uni.createFrom().item(message(caller, 400, "Give a reason",
                    "To send a case back, choose a reason from the list."));
        }
        return sendBacks.sendBack(caller, referralId, reason).map(result -> {
            if (result instanceof ClinicianSendBacks.SentBack) {
                return backToCase(referralId, "sent-back");
            }
            if (result instanceof ClinicianSendBacks.NoLongerOpen gone) {
                return message(caller, 409, "Case no longer open", gone.detail());
            }
            return notFound(caller);
        });
    }

    @POST
    @Path("/offers/{id}/answer")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> answer(@PathParam("id") String id, @FormParam("csrf") String token,
            @FormParam("answer") String answer, @FormParam("reason") String reason) {
        Caller caller = callers.current();
        if (!csrf.isValid(identity, token)) {
            return Uni.createFrom().item(forbidden(caller));
        }
        UUID offerId = parse(id);
        OfferAnswers.Answer chosen = "accept".equals(answer) ? OfferAnswers.Answer.ACCEPT
                : "reject".equals(answer) ? OfferAnswers.Answer.REJECT : null;
        if (offerId == null || chosen == null) {
            return Uni.createFrom().item(message(caller, 400, "Cannot answer", "Choose to accept or decline."));
        }
        return answers.answer(caller, offerId, chosen, blank(reason)).map(result -> {
            if (result instanceof OfferAnswers.Answered answered) {
                return backToCase(answered.offer().referralId(),
                        chosen == OfferAnswers.Answer.ACCEPT ? "accepted" : "rejected");
            }
            if (result instanceof OfferAnswers.InvalidReason invalid) {
                return message(caller, 400, "Give a reason", "To decline an offer, choose a reason from the list.");
            }
            if (result instanceof OfferAnswers.IllegalTransition illegal) {
                return message(caller, 409, "Offer already answered", illegal.detail());
            }
            if (result instanceof OfferAnswers.StaleVersion) {
                return message(caller, 409, "Offer changed", "The offer changed meanwhile: open the case again.");
            }
            return notFound(caller);
        });
    }

    /** The signed-in team's services, to update their capacity. */
    @GET
    @Path("/capacity")
    public Uni<TemplateInstance> capacityPage(@QueryParam("notice") String notice) {
        Caller caller = callers.current();
        return capacity.servicesOf(caller).map(services -> Templates.capacity(caller, services,
                csrf.tokenFor(identity), "updated".equals(notice) ? "Capacity updated." : null));
    }

    @POST
    @Path("/capacity/{serviceId}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> updateCapacity(@PathParam("serviceId") String serviceId, @FormParam("csrf") String token,
            @FormParam("rag") String rag, @FormParam("places") String places) {
        Caller caller = callers.current();
        if (!csrf.isValid(identity, token)) {
            return Uni.createFrom().item(forbidden(caller));
        }
        Capacity.Rag chosenRag;
        Integer chosenPlaces;
        try {
            chosenRag = Capacity.Rag.valueOf(rag == null ? "" : rag.trim());
            chosenPlaces = blank(places) == null ? null : Integer.valueOf(places.trim());
            if (chosenPlaces != null && chosenPlaces < 0) {
                throw new IllegalArgumentException("negative");
            }
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(message(caller, 400, "Cannot update capacity",
                    "Choose GREEN, AMBER or RED, and give places as a whole number of zero or more (or leave it empty)."));
        }
        return capacity.update(caller, serviceId, chosenRag, chosenPlaces).map(updated -> updated
                ? Response.seeOther(URI.create("/board/capacity?notice=updated")).build()
                : message(caller, 404, "Service not found", "Your organisation runs no such service."));
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
            case "sent-back" -> "You sent this case back: the ambulance service has been told why.";
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
