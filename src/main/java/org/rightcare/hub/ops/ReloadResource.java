package org.rightcare.hub.ops;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.rightcare.hub.directory.DirectoryAdminResource;
import org.rightcare.hub.directory.DirectoryFileReloads;
import org.rightcare.hub.routing.RoutingPolicyReloads;
import org.rightcare.hub.security.Callers;
import org.rightcare.hub.support.FieldError;
import org.rightcare.hub.support.InvalidConfigurationException;
import org.rightcare.hub.support.Problem;

import io.smallrye.mutiny.Uni;

/**
 * {@code /admin/.../reload}: apply a changed directory file or routing policy file (a new ConfigMap) on every
 * replica without restarting, for operators holding the {@code hub-admin} role. An invalid file is refused with
 * every problem listed and the running configuration kept everywhere.
 */
@Path("/admin")
@RolesAllowed(DirectoryAdminResource.ROLE)
@Produces(MediaType.APPLICATION_JSON)
public class ReloadResource {

    private final DirectoryFileReloads directory;
    private final RoutingPolicyReloads policy;
    private final Callers callers;

    public ReloadResource(DirectoryFileReloads directory, RoutingPolicyReloads policy, Callers callers) {
        this.directory = directory;
        this.policy = policy;
        this.callers = callers;
    }

    @POST
    @Path("/directory/reload")
    @Operation(summary = "Apply the directory file (hub.directory.file) now, on every replica", description = "Applied only if it changed since it was last applied, as at start. Audited.")
    @APIResponse(responseCode = "200", description = "{ applied, version, added, changed, removed }")
    @APIResponse(responseCode = "409", description = "No directory file is configured")
    @APIResponse(responseCode = "422", description = "The file is invalid: every problem, the directory unchanged")
    public Uni<Response> reloadDirectory() {
        return directory.reload(callers.current().actor())
                .map(outcome -> outcome.map(applied -> Response.ok(applied).build())
                        .orElseGet(() -> Problem.of(409, "no-directory-file", "No directory file",
                                "hub.directory.file is not set: the directory is managed through the admin API")
                                .toResponse()))
                .onFailure(InvalidConfigurationException.class)
                .recoverWithItem(e -> invalidFile("the directory file", (InvalidConfigurationException) e));
    }

    @POST
    @Path("/routing-policy/reload")
    @Operation(summary = "Read the routing policy file (hub.routing.policy-file) again, on every replica", description = "Audited.")
    @APIResponse(responseCode = "200", description = "{ policyFile, rules }")
    @APIResponse(responseCode = "422", description = "The file is invalid: every problem, the running policy kept")
    public Uni<Response> reloadPolicy() {
        return policy.reloadEverywhere(callers.current().actor()).map(reloaded -> Response.ok(reloaded).build())
                .onFailure(InvalidConfigurationException.class)
                .recoverWithItem(e -> invalidFile("the routing policy", (InvalidConfigurationException) e));
    }

    private static Response invalidFile(String what, InvalidConfigurationException e) {
        List<FieldError> errors = e.problems().stream()
                .map(problem -> new FieldError(problem.pointer() == null ? "" : problem.pointer(),
                        problem.file() + ":" + problem.line() + ": " + problem.reason()))
                .toList();
        return Problem.invalid("invalid-configuration-file", "Refused: " + what + " is invalid", errors).toResponse();
    }
}
