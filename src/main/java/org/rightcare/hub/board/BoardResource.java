package org.rightcare.hub.board;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Map;
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

import org.jboss.resteasy.reactive.RestStreamElementType;
import org.rightcare.hub.cascade.ClinicianSendBacks;
import org.rightcare.hub.cascade.OfferAnswers;
import org.rightcare.hub.cascade.StackClaims;
import org.rightcare.hub.directory.Capacity;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.ServiceType;
import org.rightcare.hub.referral.SendBackReason;
import org.rightcare.hub.security.Caller;
import org.rightcare.hub.security.Callers;
import org.rightcare.hub.whatif.WhatIfReportHtml;
import org.rightcare.hub.whatif.WhatIfScenario;
import org.rightcare.hub.whatif.WhatIfService;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.quarkus.oidc.OidcSession;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The hub board's pages: the stack (live by server-sent events), one case, the actions on it (each irreversible one
 * behind a confirmation page), capacity, flow, the what-if report, sign-out and a friendly page for any other path. The pages
 * only map HTTP to the board's views and
 * to the same domain operations (and audit) as the FHIR API; what a person sees is what their organisation may see.
 * URLs carry referral ids only, never anything that identifies a patient.
 */
@Path("/board")
@Authenticated
@Produces(MediaType.TEXT_HTML)
public class BoardResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance stack(Caller caller, String csrf, BoardStack.Stack stack,
                List<ServiceType> types, String type, String area);

        static native TemplateInstance rows(BoardStack.Stack stack);

        static native TemplateInstance caseView(Caller caller, String csrf, BoardCase.Model model,
                BoardNotices.Notice notice, String noticeWord, List<BoardAnswers.DeclineReason> reasons);

        static native TemplateInstance notice(BoardNotices.Notice notice, UUID id, String noticeWord);

        static native TemplateInstance confirmClaim(Caller caller, String csrf, BoardCase.Model model);

        static native TemplateInstance confirmSendBack(Caller caller, String csrf, BoardCase.Model model,
                List<SendBackReason> sendBackReasons);

        static native TemplateInstance capacity(Caller caller, String csrf, List<BoardCapacity.ServiceCapacity> services,
                String notice);

        static native TemplateInstance message(Caller caller, String csrf, String title, String detail);

        static native TemplateInstance flow(Caller caller, String csrf, BoardFlow.Flow flow, List<ServiceType> types,
                String type);

        static native TemplateInstance whatIf(Caller caller, String csrf, String report);

        static native TemplateInstance signedOut();
    }

    /** What a clinician may give as the reason: the contract's codes, less those only the hub's own rules decide. */
    static final List<SendBackReason> SEND_BACK_REASONS = List.of(SendBackReason.CLINICALLY_INAPPROPRIATE,
            SendBackReason.NO_CAPACITY, SendBackReason.SERVICE_CLOSED, SendBackReason.OUT_OF_AREA,
            SendBackReason.NO_ELIGIBLE_SERVICE, SendBackReason.OTHER);

    /** The contract's limit on a reason's free text ({@code reason.text}). */
    static final int MAX_TEXT = 1000;

    /** The board's own scripts and styles: files, so the pages need no inline code under the CSP. */
    private static final Map<String, String> ASSETS = Map.of("board.css", "text/css; charset=utf-8", "board.js",
            "text/javascript; charset=utf-8");

    private final Callers callers;
    private final SecurityIdentity identity;
    private final BoardStack stack;
    private final BoardCase cases;
    private final BoardNotices notices;
    private final BoardChanges changes;
    private final BoardCsrf csrf;
    private final StackClaims claims;
    private final BoardAnswers answers;
    private final BoardCapacity capacity;
    private final ClinicianSendBacks sendBacks;
    private final BoardFlow flow;
    private final WhatIfService whatIf;
    private final OidcSession session;

    public BoardResource(Callers callers, SecurityIdentity identity, BoardStack stack, BoardCase cases,
            BoardNotices notices, BoardChanges changes, BoardCsrf csrf, StackClaims claims, BoardAnswers answers,
            BoardCapacity capacity, ClinicianSendBacks sendBacks, BoardFlow flow, WhatIfService whatIf,
            OidcSession session) {
        this.callers = callers;
        this.identity = identity;
        this.stack = stack;
        this.cases = cases;
        this.notices = notices;
        this.changes = changes;
        this.csrf = csrf;
        this.claims = claims;
        this.answers = answers;
        this.capacity = capacity;
        this.sendBacks = sendBacks;
        this.flow = flow;
        this.whatIf = whatIf;
        this.session = session;
    }

    /**
     * The what-if report for the ICB, in the board's chrome: the scenario's generated week, the baseline beside each
     * variant asked for ({@code variant}, repeatable). The same run as {@code /admin/what-if/report}, audited the
     * same way.
     */
    @GET
    @Path("/what-if")
    public Uni<Response> whatIf(@QueryParam("variant") List<String> variants) {
        Caller caller = callers.current();
        if (!caller.isHubStaff()) {
            return Uni.createFrom().item(message(caller, 404, "Page not found", "The what-if report is for the hub's staff."));
        }
        List<JsonNode> asked = variants == null ? List.of()
                : variants.stream().filter(v -> !v.isBlank()).map(v -> (JsonNode) TextNode.valueOf(v)).toList();
        return whatIf.run(new WhatIfService.RunRequest(null, null, null, asked, null), caller.actor())
                .map(report -> Response.ok(Templates.whatIf(caller, token(), WhatIfReportHtml.body(report)))
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
            return Uni.createFrom().item(message(caller, 404, "Page not found", "The flow view is for the hub's staff."));
        }
        String chosen = ServiceType.fromCode(type == null ? "" : type).map(ServiceType::code).orElse(null);
        return flow.lastDay(chosen).map(f -> Response.ok(Templates.flow(caller, token(), f,
                stack.serviceTypes(caller), chosen)).build());
    }

    @GET
    public Uni<TemplateInstance> stack(@QueryParam("type") String type, @QueryParam("area") String area) {
        Caller caller = callers.current();
        return stack.stack(caller, new BoardStack.Filter(type, area)).map(s -> Templates.stack(caller, token(), s,
                stack.serviceTypes(caller), blank(type), blank(area)));
    }

    /** The stack alone (the queue, the counts, the finished cases): the page fetches it when told of a change. */
    @GET
    @Path("/stack/rows")
    public Uni<TemplateInstance> rows(@QueryParam("type") String type, @QueryParam("area") String area) {
        return stack.stack(callers.current(), new BoardStack.Filter(type, area)).map(Templates::rows);
    }

    /**
     * Server-sent events telling the page that the stack changed (and a heartbeat), under the page's own sign-in; the
     * page then fetches its rows as above, and polls instead when the stream drops.
     */
    @GET
    @Path("/stack/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    public Multi<String> events() {
        Caller caller = callers.current();
        if (!caller.isHubStaff() && !caller.isProvider()) {
            return Multi.createFrom().empty();
        }
        return changes.stream();
    }

    @GET
    @Path("/cases/{id}")
    public Uni<Response> caseView(@PathParam("id") String id, @QueryParam("notice") String notice) {
        Caller caller = callers.current();
        UUID referralId = parse(id);
        if (referralId == null) {
            return Uni.createFrom().item(caseNotFound(caller));
        }
        return cases.forCaller(caller, referralId).chain(model -> {
            if (model.isEmpty()) {
                return Uni.createFrom().item(caseNotFound(caller));
            }
            return notices.after(notice, model.get().referral()).map(shown -> Response.ok(Templates.caseView(caller,
                    token(), model.get(), shown.orElse(null), shown.isPresent() ? notice : "",
                    BoardAnswers.DECLINE_REASONS)).build());
        });
    }

    /** The notice after an action as it stands now: the page asks again while the CAD has not acknowledged it. */
    @GET
    @Path("/cases/{id}/notice")
    public Uni<Response> notice(@PathParam("id") String id, @QueryParam("notice") String notice) {
        Caller caller = callers.current();
        UUID referralId = parse(id);
        if (referralId == null) {
            return Uni.createFrom().item(Response.status(404).build());
        }
        return cases.forCaller(caller, referralId).chain(model -> model.isEmpty()
                ? Uni.createFrom().item(Response.status(404).build())
                : notices.after(notice, model.get().referral()).map(shown -> shown
                        .map(n -> Response.ok(Templates.notice(n, referralId, notice)).build())
                        .orElseGet(() -> Response.status(404).build())));
    }

    /** Before a claim: which of the team's services takes the case, and whose open offer the claim will end. */
    @GET
    @Path("/cases/{id}/claim")
    public Uni<Response> confirmClaim(@PathParam("id") String id) {
        Caller caller = callers.current();
        UUID referralId = parse(id);
        if (referralId == null) {
            return Uni.createFrom().item(caseNotFound(caller));
        }
        return cases.forCaller(caller, referralId).map(model -> model
                .map(m -> m.claimable() ? Response.ok(Templates.confirmClaim(caller, token(), m)).build()
                        : message(caller, 409, "Cannot claim this case", m.myOffer() != null
                                ? "Your team holds the offer of this case: accept or decline it on the case page."
                                : "None of your services that could take this case is open now, or the case is no "
                                        + "longer open."))
                .orElseGet(() -> caseNotFound(caller)));
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
            return Uni.createFrom().item(caseNotFound(caller));
        }
        // Only a service of the team's that is open now may claim (the page offers no other); the domain checks the
        // rest under the referral's lock.
        return cases.forCaller(caller, referralId).chain(model -> {
            if (model.isEmpty()) {
                return Uni.createFrom().item(caseNotFound(caller));
            }
            List<String> openNow = model.get().claimableWith().stream().map(CommunityService::id).toList();
            String chosen = blank(serviceId) == null && openNow.size() == 1 ? openNow.get(0) : blank(serviceId);
            if (model.get().myOffer() != null || chosen == null || !openNow.contains(chosen)) {
                return Uni.createFrom().item(message(caller, 409, "Cannot claim this case",
                        model.get().myOffer() != null
                                ? "Your team holds the offer of this case: accept or decline it on the case page."
                                : "Choose one of your services that is open now and may take this case."));
            }
            return claims.claim(caller, referralId, chosen).map(result -> {
                if (result instanceof StackClaims.Claimed) {
                    return backToCase(referralId, "claimed");
                }
                if (result instanceof StackClaims.NoLongerOpen gone) {
                    return message(caller, 409, "Case no longer open", gone.detail());
                }
                if (result instanceof StackClaims.NotClaimable refused) {
                    return message(caller, 409, "Cannot claim this case", refused.reason());
                }
                if (result instanceof StackClaims.ServiceNotEligible refused) {
                    return message(caller, 409, "Cannot claim this case", refused.detail());
                }
                return caseNotFound(caller);
            });
        });
    }

    /** Before a send-back, which cannot be undone: the reason, the clinician's words, and a button that says it. */
    @GET
    @Path("/cases/{id}/send-back")
    public Uni<Response> confirmSendBack(@PathParam("id") String id) {
        Caller caller = callers.current();
        UUID referralId = parse(id);
        if (referralId == null) {
            return Uni.createFrom().item(caseNotFound(caller));
        }
        return cases.forCaller(caller, referralId).map(model -> model
                .map(m -> m.mayBeSentBack()
                        ? Response.ok(Templates.confirmSendBack(caller, token(), m, SEND_BACK_REASONS)).build()
                        : message(caller, 409, "Cannot send this case back",
                                "Only the hub's clinicians send back open cases."))
                .orElseGet(() -> caseNotFound(caller)));
    }

    @POST
    @Path("/cases/{id}/send-back")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> sendBack(@PathParam("id") String id, @FormParam("csrf") String token,
            @FormParam("reason") String reasonCode, @FormParam("text") String text) {
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
        if (tooLong(text)) {
            return Uni.createFrom().item(tooLongMessage(caller));
        }
        return sendBacks.sendBack(caller, referralId, reason).map(result -> {
            if (result instanceof ClinicianSendBacks.SentBack) {
                return backToCase(referralId, "sent-back");
            }
            if (result instanceof ClinicianSendBacks.NoLongerOpen gone) {
                return message(caller, 409, "Case no longer open", gone.detail());
            }
            return caseNotFound(caller);
        });
    }

    @POST
    @Path("/offers/{id}/answer")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> answer(@PathParam("id") String id, @FormParam("csrf") String token,
            @FormParam("answer") String answer, @FormParam("reason") String reason, @FormParam("text") String text) {
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
        if (tooLong(text)) {
            return Uni.createFrom().item(tooLongMessage(caller));
        }
        return answers.answer(caller, offerId, chosen, blank(reason), blank(text)).map(result -> {
            if (result instanceof OfferAnswers.Answered answered) {
                return backToCase(answered.offer().referralId(),
                        chosen == OfferAnswers.Answer.ACCEPT ? "accepted" : "rejected");
            }
            if (result instanceof OfferAnswers.InvalidReason) {
                return message(caller, 400, "Give a reason", "To decline an offer, choose a reason from the list.");
            }
            if (result instanceof OfferAnswers.IllegalTransition illegal) {
                return message(caller, 409, "Offer already answered", illegal.detail());
            }
            if (result instanceof OfferAnswers.StaleVersion) {
                return message(caller, 409, "Offer changed", "The offer changed meanwhile: open the case again.");
            }
            return caseNotFound(caller);
        });
    }

    /** The services whose capacity the person may set: their team's, or every service for the hub's staff. */
    @GET
    @Path("/capacity")
    public Uni<TemplateInstance> capacityPage(@QueryParam("notice") String notice) {
        Caller caller = callers.current();
        return capacity.servicesOf(caller).map(services -> Templates.capacity(caller, token(), services,
                "updated".equals(notice) ? "Capacity updated. Routing uses it from now on." : null));
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
                    "Choose green, amber or red, and give places as a whole number of zero or more (or leave it empty)."));
        }
        return capacity.update(caller, serviceId, chosenRag, chosenPlaces).map(updated -> updated
                ? Response.seeOther(URI.create("/board/capacity?notice=updated")).build()
                : message(caller, 404, "Service not found", caller.isHubStaff() ? "There is no such service."
                        : "Your organisation runs no such service."));
    }

    /** Ends the board session here (the session cookie goes); the next visit signs in again. */
    @POST
    @Path("/sign-out")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> signOut(@FormParam("csrf") String token) {
        Caller caller = callers.current();
        if (!csrf.isValid(identity, token)) {
            return Uni.createFrom().item(forbidden(caller));
        }
        return session.logout().map(ignored -> Response.ok(Templates.signedOut()).build());
    }

    /** The board's stylesheet and script, served from the classpath with their types. */
    @GET
    @Path("/assets/{name}")
    @Produces({ "text/css", "text/javascript" })
    public Response asset(@PathParam("name") String name) throws IOException {
        String type = ASSETS.get(name);
        if (type == null) {
            return Response.status(404).type(MediaType.TEXT_PLAIN).entity("No such asset").build();
        }
        try (InputStream in = BoardResource.class.getResourceAsStream("/board/assets/" + name)) {
            return Response.ok(in.readAllBytes()).type(type).build();
        }
    }

    /** Any other path under the board: a page in the board's chrome with a way back, not a machine's error body. */
    @GET
    @Path("/{path: .+}")
    public Response unknown(@PathParam("path") String path) {
        return message(callers.current(), 404, "Page not found",
                "There is no such page on the board. It may have moved, or the link may be mistyped.");
    }

    private String token() {
        return csrf.tokenFor(identity);
    }

    private static Response backToCase(UUID referralId, String notice) {
        return Response.seeOther(URI.create("/board/cases/" + referralId + "?notice=" + notice)).build();
    }

    private static boolean tooLong(String text) {
        return text != null && text.strip().length() > MAX_TEXT;
    }

    private Response tooLongMessage(Caller caller) {
        return message(caller, 400, "Too many words", "Keep your own words to " + MAX_TEXT + " characters or fewer.");
    }

    private Response caseNotFound(Caller caller) {
        return message(caller, 404, "Case not found",
                "There is no such case, or your organisation may not see it.");
    }

    private Response forbidden(Caller caller) {
        return message(caller, 403, "Form expired",
                "The form did not come from your current session. Go back, reload the page and try again.");
    }

    private Response message(Caller caller, int status, String title, String detail) {
        return Response.status(status).type(MediaType.TEXT_HTML)
                .entity(Templates.message(caller, token(), title, detail).render()).build();
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
