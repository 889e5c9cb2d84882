package org.rightcare.hub.fhirapi;

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
import org.rightcare.hub.directory.DirectoryAdminService;
import org.rightcare.hub.directory.ServiceDirectory;
import org.rightcare.hub.directory.UnknownServiceException;
import org.rightcare.hub.fhir.FhirFormat;
import org.rightcare.hub.fhir.FhirInteraction;
import org.rightcare.hub.security.Caller;
import org.rightcare.hub.security.Callers;
import org.rightcare.hub.security.Permission;
import org.rightcare.hub.security.Roles;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

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

    private final FhirHttp http;
    private final DirectoryAdminService admin;
    private final ServiceDirectory directory;
    private final DirectoryReads reads;
    private final Callers callers;
    private final FhirAccess access;

    public SetCapacityOperation(FhirHttp http, DirectoryAdminService admin, ServiceDirectory directory,
            DirectoryReads reads, Callers callers, FhirAccess access) {
        this.http = http;
        this.admin = admin;
        this.directory = directory;
        this.reads = reads;
        this.callers = callers;
        this.access = access;
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
        FhirFormat answer = FhirHttp.answerFormat(format, headers);
        if (!operation.equals("$" + NAME)) {
            throw new FhirRefusal(404, IssueType.NOTSUPPORTED, "UNKNOWN_OPERATION",
                    "HealthcareService has no operation " + operation + "; see /fhir/metadata");
        }
        access.audit(FhirInteraction.OPERATION, "HealthcareService", id).detail("operation", NAME);
        Caller caller = callers.current();
        if (!caller.may(Permission.write("HealthcareService"))) {
            throw FhirRefusal.forbidden("The token does not grant system/HealthcareService.write");
        }
        directory.find(id)
                .filter(s -> caller.has(Roles.HUB_ADMIN) || caller.isProvider() && s.odsCode().equals(caller.organisation()))
                .orElseThrow(() -> FhirRefusal.notFound("HealthcareService", id));
        Parameters parameters = http.read(Parameters.class, contentType, body);
        Type places = value(parameters, "places");
        Capacity.Rag parsedRag = rag(value(parameters, "rag"));
        if (parsedRag == null) {
            throw new FhirRefusal(400, IssueType.INVALID, "INVALID_RAG",
                    "Parameter rag (valueCode) must be GREEN, AMBER or RED");
        }
        if (places != null && !(places instanceof IntegerType count && count.getValue() != null && count.getValue() >= 0)) {
            throw new FhirRefusal(400, IssueType.INVALID, "INVALID_PLACES",
                    "Parameter places (valueInteger) must be 0 or more");
        }
        Integer placeCount = places == null ? null : ((IntegerType) places).getValue();
        return admin.updateCapacity(id, parsedRag, placeCount, caller.actor())
                .chain(updated -> reads.read("HealthcareService", id))
                .map(resource -> http.answer(200, answer, resource.orElseThrow(), false).build())
                .onFailure(UnknownServiceException.class)
                .transform(e -> FhirRefusal.notFound("HealthcareService", id));
    }

    /** The RAG status a {@code rag} parameter's valueCode names; null for none, or another value. */
    private static Capacity.Rag rag(Type value) {
        if (!(value instanceof CodeType code) || code.getValue() == null) {
            return null;
        }
        try {
            return Capacity.Rag.valueOf(code.getValue());
        } catch (IllegalArgumentException notARag) {
            return null;
        }
    }

    private static Type value(Parameters parameters, String name) {
        Parameters.ParametersParameterComponent parameter = parameters.getParameter(name);
        return parameter == null ? null : parameter.getValue();
    }
}
