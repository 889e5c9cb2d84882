package org.rightcare.hub.demo;

import jakarta.inject.Inject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.jboss.logging.Logger;
import org.rightcare.hub.fhir.FhirFormat;
import org.rightcare.hub.fhir.OperationOutcomes;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import io.smallrye.config.SmallRyeConfig;

/**
 * {@code POST /demo/providers/{organisation}/fhir}: the demo providers' own FHIR servers, one per organisation, which
 * the demo directory's {@code fhir-rest} endpoints name, so the demo's offers (and their revocations) are delivered
 * as they would be to a real provider instead of being retried until they die. It takes the transaction, logs what
 * it would write (each Task with its status), stores nothing, and answers as a FHIR server does. Outside the demo
 * (and dev) profile it answers 404 exactly as a path that does not exist.
 */
@Path("/demo/providers/{organisation}/fhir")
public class DemoProviderFhirResource {

    private static final Logger LOG = Logger.getLogger(DemoProviderFhirResource.class);

    private final FhirContext fhir;
    private final boolean demoProfile;

    @Inject
    public DemoProviderFhirResource(FhirContext fhir) {
        this(fhir, ConfigProvider.getConfig().unwrap(SmallRyeConfig.class).getProfiles().contains("demo"));
    }

    DemoProviderFhirResource(FhirContext fhir, boolean demoProfile) {
        this.fhir = fhir;
        this.demoProfile = demoProfile;
    }

    @POST
    @Operation(summary = "Demo profile only: a demo provider's FHIR server, taking the hub's fhir-rest transactions")
    public Response transaction(@PathParam("organisation") String organisation,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, String body) {
        if (!demoProfile) {
            throw new NotFoundException();
        }
        FhirFormat format = FhirFormat.ofBody(contentType);
        Bundle transaction;
        try {
            transaction = format.parser(fhir).parseResource(Bundle.class, body);
        } catch (DataFormatException | ClassCastException e) {
            return OperationOutcomes.response(fhir, format, 400, IssueType.STRUCTURE, "INVALID_RESOURCE",
                    "The body is not a FHIR Bundle: " + e.getMessage()).build();
        }
        if (transaction.getType() != Bundle.BundleType.TRANSACTION) {
            return OperationOutcomes.response(fhir, format, 400, IssueType.INVALID, "INVALID_RESOURCE",
                    "Only transaction Bundles are taken here").build();
        }
        Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        for (Bundle.BundleEntryComponent entry : transaction.getEntry()) {
            Resource resource = entry.getResource();
            if (resource instanceof Task task) {
                LOG.infof("Demo provider %s received %s %s: Task %s", organisation, entry.getRequest().getMethod(),
                        entry.getRequest().hasIfNoneExist() ? entry.getRequest().getIfNoneExist()
                                : entry.getRequest().getUrl(),
                        task.getStatus().toCode() + (task.hasStatusReason()
                                ? " (" + task.getStatusReason().getCodingFirstRep().getCode() + ")" : ""));
            }
            response.addEntry().getResponse().setStatus("200 OK");
        }
        return Response.ok(format.encode(fhir, response, false), format.mediaType()).build();
    }
}
