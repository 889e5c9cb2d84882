package org.rightcare.hub.directory;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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
import org.rightcare.hub.security.Callers;
import org.rightcare.hub.security.Roles;
import org.rightcare.hub.support.FieldError;
import org.rightcare.hub.support.Problem;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;

/**
 * {@code /admin/directory/services}: the directory for ICB administrators (role {@code hub-admin}). A service is
 * written in the same shape as an entry of the directory file and checked by the same rules; each change is audited
 * and reaches every replica within seconds. Changes made here last until a changed directory file is deployed.
 */
@Path("/admin/directory/services")
@RolesAllowed(DirectoryAdminResource.ROLE)
@Produces(MediaType.APPLICATION_JSON)
public class DirectoryAdminResource {

    public static final String ROLE = Roles.HUB_ADMIN;

    /** What a service says about its capacity: {@code {"rag": "AMBER", "places": 2}}. */
    public record CapacityView(String serviceId, Capacity.Rag rag, Integer places, Instant updatedAt,
            boolean hasRoom) {
        static CapacityView of(String serviceId, Capacity capacity) {
            return new CapacityView(serviceId, capacity.rag(), capacity.places(), capacity.updatedAt(),
                    capacity.hasRoom());
        }
    }

    // Duplicate keys would let two readers of the same body see two different services.
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final DirectoryAdminService admin;
    private final Callers callers;

    public DirectoryAdminResource(DirectoryAdminService admin, Callers callers) {
        this.admin = admin;
        this.callers = callers;
    }

    @GET
    @Operation(summary = "Every service in the directory, as directory file entries")
    public Uni<List<ObjectNode>> list() {
        return admin.services().map(services -> services.stream().map(ServiceDefinitionFormat::write).toList());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One service, as a directory file entry")
    @APIResponse(responseCode = "404", description = "No such service")
    public Uni<Response> get(@PathParam("id") String id) {
        return admin.find(id).map(found -> found
                .map(service -> Response.ok(ServiceDefinitionFormat.write(service)).build())
                .orElseGet(() -> unknownService(id)));
    }

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create or replace a service", description = "The body is a directory file entry as JSON; its id, if given, must be the path's.")
    @APIResponse(responseCode = "200", description = "Replaced (or already exactly so)")
    @APIResponse(responseCode = "201", description = "Created")
    @APIResponse(responseCode = "400", description = "The body is not JSON")
    @APIResponse(responseCode = "422", description = "Every broken rule, by JSON pointer into the body")
    public Uni<Response> put(@PathParam("id") String id, String body) {
        JsonNode definition;
        try {
            definition = parse(body);
        } catch (IOException e) {
            return answer(malformed(e));
        }
        List<FieldError> errors = new ArrayList<>();
        if (definition instanceof ObjectNode object) {
            JsonNode givenId = object.get("id");
            if (givenId == null || givenId.isNull()) {
                object.put("id", id);
            } else if (!givenId.asText().equals(id)) {
                errors.add(new FieldError("/id", "id '" + givenId.asText() + "' is not the id in the path, '" + id + "'"));
            }
        }
        ServiceDefinitionFormat.Result result = ServiceDefinitionFormat.read(definition, "");
        errors.addAll(result.errors());
        if (!errors.isEmpty()) {
            return answer(invalid(errors));
        }
        return admin.put(result.service().orElseThrow(), callers.current().actor())
                .map(outcome -> Response.status(outcome.created() ? 201 : 200)
                        .entity(ServiceDefinitionFormat.write(outcome.service())).build())
                .onFailure(ServiceDefinitionRejectedException.class)
                .recoverWithItem(e -> invalid(((ServiceDefinitionRejectedException) e).errors()).toResponse());
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Remove a service from the directory, with its capacity")
    @APIResponse(responseCode = "204", description = "Removed")
    @APIResponse(responseCode = "404", description = "No such service")
    public Uni<Response> delete(@PathParam("id") String id) {
        return admin.delete(id, callers.current().actor())
                .map(deleted -> deleted ? Response.noContent().build() : unknownService(id));
    }

    @GET
    @Path("/{id}/capacity")
    @Operation(summary = "The service's capacity as routing sees it now (a stale RAG counts as GREEN)")
    @APIResponse(responseCode = "404", description = "No such service")
    public Uni<Response> capacity(@PathParam("id") String id) {
        return admin.capacity(id)
                .map(capacity -> Response.ok(CapacityView.of(id, capacity)).build())
                .onFailure(UnknownServiceException.class).recoverWithItem(() -> unknownService(id));
    }

    @PUT
    @Path("/{id}/capacity")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set the service's capacity: {\"rag\": \"AMBER\", \"places\": 2}", description = "places is optional: null (or absent) when the service does not count places.")
    @APIResponse(responseCode = "200", description = "Recorded")
    @APIResponse(responseCode = "404", description = "No such service")
    @APIResponse(responseCode = "422", description = "rag is not GREEN, AMBER or RED, or places is not a count")
    public Uni<Response> putCapacity(@PathParam("id") String id, String body) {
        JsonNode node;
        try {
            node = parse(body);
        } catch (IOException e) {
            return answer(malformed(e));
        }
        List<FieldError> errors = new ArrayList<>();
        Capacity.Rag rag = null;
        Integer places = null;
        if (!node.isObject()) {
            errors.add(new FieldError("", "must be an object such as {\"rag\": \"AMBER\", \"places\": 2}"));
        } else {
            node.fieldNames().forEachRemaining(field -> {
                if (!Set.of("rag", "places").contains(field)) {
                    errors.add(new FieldError("/" + field, "unknown field '" + field + "'; expected rag, places"));
                }
            });
            JsonNode ragNode = node.get("rag");
            if (ragNode == null || !ragNode.isTextual() || !Set.of("GREEN", "AMBER", "RED").contains(ragNode.asText())) {
                errors.add(new FieldError("/rag", "'rag' is required: GREEN, AMBER or RED"));
            } else {
                rag = Capacity.Rag.valueOf(ragNode.asText());
            }
            JsonNode placesNode = node.get("places");
            if (placesNode != null && !placesNode.isNull()) {
                if (!placesNode.isIntegralNumber() || !placesNode.canConvertToInt() || placesNode.intValue() < 0) {
                    errors.add(new FieldError("/places", "'places' must be a whole number, 0 or more, or null"));
                } else {
                    places = placesNode.intValue();
                }
            }
        }
        if (!errors.isEmpty()) {
            return answer(invalid(errors));
        }
        return admin.updateCapacity(id, rag, places, callers.current().actor())
                .map(capacity -> Response.ok(CapacityView.of(id, capacity)).build())
                .onFailure(UnknownServiceException.class).recoverWithItem(() -> unknownService(id));
    }

    private static JsonNode parse(String body) throws IOException {
        if (body == null || body.isBlank()) {
            throw new IOException("the body is empty");
        }
        return JSON.readTree(body);
    }

    private static Problem malformed(IOException e) {
        String message = e instanceof com.fasterxml.jackson.core.JsonProcessingException json
                ? json.getOriginalMessage()
                : e.getMessage();
        return Problem.of(400, "malformed-json", "Malformed JSON", "The body is not JSON: " + message);
    }

    private static Problem invalid(List<FieldError> errors) {
        return Problem.invalid("invalid-service-definition", "The service definition breaks the directory rules",
                errors);
    }

    private static Response unknownService(String id) {
        return Problem.of(404, "unknown-service", "Unknown service", "The directory has no service " + id).toResponse();
    }

    private static Uni<Response> answer(Problem problem) {
        return Uni.createFrom().item(problem.toResponse());
    }
}
