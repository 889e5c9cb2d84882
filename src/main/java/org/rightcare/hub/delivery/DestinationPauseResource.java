package org.rightcare.hub.delivery;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.rightcare.hub.support.FieldError;
import org.rightcare.hub.support.JsonBodies;
import org.rightcare.hub.support.Problem;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * {@code /admin/destinations}: the delivery queues by destination (a CAD system, later a provider endpoint), and
 * pausing and resuming delivery to one, for operators holding the {@code hub-admin} role.
 */
@Path("/admin/destinations")
@RolesAllowed(DeadLetterResource.ROLE)
@Produces(MediaType.APPLICATION_JSON)
public class DestinationPauseResource {

    private static final int MAX_REASON = 500;

    private final DestinationPauses pauses;
    private final SecurityIdentity identity;

    public DestinationPauseResource(DestinationPauses pauses, SecurityIdentity identity) {
        this.pauses = pauses;
        this.identity = identity;
    }

    @GET
    @Operation(summary = "Destinations with deliveries waiting or dead, or paused: backlog and pause")
    public Uni<List<DestinationPauses.DestinationState>> list() {
        return pauses.destinations();
    }

    @PUT
    @Path("{destination}/pause")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Pause delivery to a destination on every replica: {\"reason\": \"...\"}", description = "Its deliveries wait, in order, until it is resumed; recorded as an operator action.")
    @APIResponse(responseCode = "200", description = "Paused now, or already paused (the pause in force is returned)")
    @APIResponse(responseCode = "400", description = "The body is not JSON")
    @APIResponse(responseCode = "404", description = "No such destination")
    @APIResponse(responseCode = "422", description = "reason is missing, empty or longer than 500 characters")
    public Uni<Response> pause(@PathParam("destination") String destination, String body) {
        JsonBodies.Parsed parsed = JsonBodies.parse(body);
        if (parsed.malformed() != null) {
            return answer(parsed.malformed());
        }
        JsonNode request = parsed.json();
        JsonNode reason = request.get("reason");
        if (!request.isObject() || request.size() != 1 || reason == null || !reason.isTextual()
                || reason.asText().isBlank() || reason.asText().length() > MAX_REASON) {
            return answer(Problem.invalid("invalid-pause", "Say why the destination is paused", List.of(new FieldError(
                    "/reason", "the body is {\"reason\": \"...\"}, 1 to " + MAX_REASON + " characters"))));
        }
        return pauses.pause(destination, reason.asText(), identity.getPrincipal().getName())
                .map(change -> respond(destination, change));
    }

    @DELETE
    @Path("{destination}/pause")
    @Operation(summary = "Resume delivery to a paused destination", description = "Its backlog is sent at once.")
    @APIResponse(responseCode = "200", description = "Resumed; the pause that was lifted is returned")
    @APIResponse(responseCode = "404", description = "No such destination")
    @APIResponse(responseCode = "409", description = "The destination is not paused")
    public Uni<Response> resume(@PathParam("destination") String destination) {
        return pauses.resume(destination, identity.getPrincipal().getName())
                .map(change -> respond(destination, change));
    }

    private static Response respond(String destination, DestinationPauses.Change change) {
        if (change instanceof DestinationPauses.Applied applied) {
            return Response.ok(applied.pause()).build();
        }
        if (change instanceof DestinationPauses.NotPaused) {
            return Problem.of(409, "not-paused", "Not paused", "Delivery to " + destination + " is not paused")
                    .toResponse();
        }
        return Problem.of(404, "unknown-destination", "Unknown destination", "No channel delivers to "
                + destination + " and no delivery to it exists").toResponse();
    }

    private static Uni<Response> answer(Problem problem) {
        return Uni.createFrom().item(problem.toResponse());
    }
}
