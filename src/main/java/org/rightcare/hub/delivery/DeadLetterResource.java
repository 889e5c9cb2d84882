package org.rightcare.hub.delivery;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.rightcare.hub.support.Problem;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * {@code /admin/dead-letters}: deliveries the hub gave up on (CAD callbacks now, provider deliveries later), for
 * operators holding the {@code hub-admin} role to inspect and replay.
 */
@Path("/admin/dead-letters")
@RolesAllowed(DeadLetterResource.ROLE)
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {

    static final String ROLE = "hub-admin";
    private static final int MAX_LIMIT = 1000;

    private final DeadLetterService deadLetters;
    private final SecurityIdentity identity;

    public DeadLetterResource(DeadLetterService deadLetters, SecurityIdentity identity) {
        this.deadLetters = deadLetters;
        this.identity = identity;
    }

    @GET
    @Operation(summary = "Dead letters, newest first", description = "Never includes payloads. total counts every match.")
    @APIResponse(responseCode = "200", description = "{ total, deadLetters: [...] }")
    public Uni<Response> list(@QueryParam("channel") String channel, @QueryParam("destination") String destination,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            return Uni.createFrom().item(Problem.of(400, "invalid-limit", "Invalid limit",
                    "limit must be between 1 and " + MAX_LIMIT).toResponse());
        }
        return deadLetters.list(channel, destination, limit).map(page -> Response.ok(page).build());
    }

    @POST
    @Path("{id}/replay")
    @Operation(summary = "Put a dead letter back in the queue, due now", description = "Recorded as an operator action.")
    @APIResponse(responseCode = "202", description = "Pending again; it keeps its id (a CAD callback's eventId)")
    @APIResponse(responseCode = "404", description = "No such delivery")
    @APIResponse(responseCode = "409", description = "The delivery is not dead (pending, delivered, or withdrawn "
            + "because its offer closed)")
    public Uni<Response> replay(@PathParam("id") String id) {
        UUID deliveryId = parseOrNull(id);
        if (deliveryId == null) {
            return Uni.createFrom().item(unknown(id));
        }
        return deadLetters.replay(deliveryId, identity.getPrincipal().getName()).map(outcome -> {
            if (outcome instanceof DeadLetterService.Replayed replayed) {
                return Response.accepted(replayed).build();
            }
            if (outcome instanceof DeadLetterService.NotDead notDead) {
                return Problem.of(409, "not-a-dead-letter", "Not a dead letter",
                        "Delivery " + id + " is " + notDead.state() + "; only dead letters can be replayed").toResponse();
            }
            return unknown(id);
        });
    }

    private static Response unknown(String id) {
        return Problem.of(404, "unknown-delivery", "Unknown delivery", "No delivery has id " + id).toResponse();
    }

    private static UUID parseOrNull(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException notAUuid) {
            return null;
        }
    }
}
