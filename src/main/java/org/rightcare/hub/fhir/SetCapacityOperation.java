package org.rightcare.hub.fhir;

import java.util.Optional;

import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Enumerations.FHIRAllTypes;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.OperationDefinition.OperationKind;
import org.hl7.fhir.r4.model.OperationDefinition.OperationParameterUse;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Type;
import org.rightcare.hub.directory.Capacity;
import org.rightcare.hub.directory.CommunityService;
import org.rightcare.hub.directory.DirectoryAdminService;
import org.rightcare.hub.directory.ServiceDirectory;
import org.rightcare.hub.directory.UnknownServiceException;
import org.rightcare.hub.security.Caller;
import org.rightcare.hub.security.Callers;
import org.rightcare.hub.security.Permission;
import org.rightcare.hub.security.Roles;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;

/**
 * {@code POST /fhir/HealthcareService/{id}/$set-capacity}: a provider publishes one of its services' capacity, as
 * a RAG status and optionally the places it has; routing reads it on its very next decision. Parameters
 * {@code rag} (code GREEN, AMBER or RED) and {@code places} (integer, 0 or more; leave out for "not counted"). The
 * answer is the HealthcareService with its new capacity. Another organisation's service is 404.
 */
@Path("/fhir/HealthcareService/{id}/{operation}")
@Authenticated
public class SetCapacityOperation {

    public static final String NAME = "set-capacity";
    public static final String DEFINITION_ID = "set-capacity";

    private final FhirContext fhir;
    private final DirectoryAdminService admin;
    private final ServiceDirectory directory;
    private final DirectoryReads reads;
    private final Callers callers;
    private final FhirAccessAudit audit;

    public SetCapacityOperation(FhirContext fhir, DirectoryAdminService admin, ServiceDirectory directory,
            DirectoryReads reads, Callers callers, FhirAccessAudit audit) {
        this.fhir = fhir;
        this.admin = admin;
        this.directory = directory;
        this.reads = reads;
        this.callers = callers;
        this.audit = audit;
    }

    /** The operation as FHIR declares operations, readable at {@code /fhir/OperationDefinition/set-capacity}. */
    public static OperationDefinition definition(String fhirBase) {
        OperationDefinition definition = new OperationDefinition();
        definition.setId(DEFINITION_ID);
        definition.setUrl(fhirBase + "/OperationDefinition/" + DEFINITION_ID);
        definition.setName("SetCapacity").setTitle("Set a service's capacity").setStatus(PublicationStatus.ACTIVE)
                .setKind(OperationKind.OPERATION).setCode(NAME).setSystem(false).setType(false).setInstance(true)
                .addResource("HealthcareService")
                .setDescription("Publishes the service's capacity now: RAG status and, if the service counts them, "
                        + "places. Routing uses it at once; each accepted offer uses a place. A RAG status not "
                        + "refreshed for hub.directory.rag-reset-after counts as GREEN again.");
        definition.addParameter().setName("rag").setUse(OperationParameterUse.IN).setMin(1).setMax("1")
                .setType("code").setDocumentation("GREEN, AMBER or RED");
        definition.addParameter().setName("places").setUse(OperationParameterUse.IN).setMin(0).setMax("1")
                .setType("integer").setDocumentation("Places the service can take now (0 or more); leave out when "
                        + "the service does not count places");
        definition.addParameter().setName("return").setUse(OperationParameterUse.OUT).setMin(1).setMax("1")
                .setType(FHIRAllTypes.HEALTHCARESERVICE.toCode())
                .setDocumentation("The HealthcareService with its new capacity");
        return definition;
    }

    @POST
    @Operation(hidden = true)
    public Uni<Response> setCapacity(@PathParam("id") String id, @PathParam("operation") String operation,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, @QueryParam("_format") String format,
            @Context HttpHeaders headers, String body) {
        FhirFormat answer = Optional.ofNullable(FhirFormat.negotiate(format, headers)).orElse(FhirFormat.JSON);
        if (!operation.equals("$" + NAME)) {
            return Uni.createFrom().item(OperationOutcomes.response(fhir, answer, 404, IssueType.NOTSUPPORTED,
                    "UNKNOWN_OPERATION", "HealthcareService has no operation " + operation + "; see /fhir/metadata")
                    .build());
        }
        Caller caller = callers.current();
        if (!caller.may(Permission.write("HealthcareService"))) {
            return refused(caller, id, FhirAccessAudit.DENIED, OperationOutcomes.forbidden(fhir, answer,
                    "The token does not grant system/HealthcareService.write"));
        }
        Optional<CommunityService> service = directory.find(id)
                .filter(s -> caller.has(Roles.HUB_ADMIN) || caller.isProvider() && s.odsCode().equals(caller.organisation()));
        if (service.isEmpty()) {
            return refused(caller, id, FhirAccessAudit.NOT_FOUND,
                    OperationOutcomes.notFound(fhir, answer, "HealthcareService", id));
        }
        Parameters parameters;
        try {
            parameters = FhirFormat.ofBody(contentType).parser(fhir).parseResource(Parameters.class, body);
        } catch (DataFormatException | ClassCastException e) {
            return refused(caller, id, FhirAccessAudit.REFUSED, invalid(answer, "INVALID_RESOURCE",
                    "The body is not a FHIR Parameters resource: " + e.getMessage()));
        }
        Type rag = value(parameters, "rag");
        Type places = value(parameters, "places");
        Capacity.Rag parsedRag;
        try {
            parsedRag = rag instanceof CodeType code ? Capacity.Rag.valueOf(code.getValue()) : null;
        } catch (IllegalArgumentException e) {
            parsedRag = null;
        }
        if (parsedRag == null) {
            return refused(caller, id, FhirAccessAudit.REFUSED, invalid(answer, "INVALID_RAG",
                    "Parameter rag (valueCode) must be GREEN, AMBER or RED"));
        }
        if (places != null && !(places instanceof IntegerType count && count.getValue() != null && count.getValue() >= 0)) {
            return refused(caller, id, FhirAccessAudit.REFUSED, invalid(answer, "INVALID_PLACES",
                    "Parameter places (valueInteger) must be 0 or more"));
        }
        Integer placeCount = places == null ? null : ((IntegerType) places).getValue();
        return admin.updateCapacity(id, parsedRag, placeCount, caller.actor())
                .chain(updated -> reads.read("HealthcareService", id))
                .map(resource -> Response.ok(answer.encode(fhir, resource.orElseThrow(), false), answer.mediaType())
                        .build())
                .onFailure(UnknownServiceException.class)
                .recoverWithItem(e -> OperationOutcomes.notFound(fhir, answer, "HealthcareService", id));
    }

    private static Type value(Parameters parameters, String name) {
        Parameters.ParametersParameterComponent parameter = parameters.getParameter(name);
        return parameter == null ? null : parameter.getValue();
    }

    private Response invalid(FhirFormat format, String code, String detail) {
        return OperationOutcomes.response(fhir, format, 400, IssueType.INVALID, code, detail).build();
    }

    private Uni<Response> refused(Caller caller, String id, String outcome, Response response) {
        return audit.recordRefusal(caller, FhirAccessAudit.OPERATION, "HealthcareService", id, outcome,
                new JsonObject().put("operation", NAME).put("http", response.getStatus())).map(ignored -> response);
    }
}
