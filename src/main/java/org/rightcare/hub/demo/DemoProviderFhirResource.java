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
import org.hl7.fhir.r4.model.MessageHeader;
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
 * the demo directory's {@code fhir-rest} and {@code bars} endpoints name, so the demo's offers (and their
 * revocations) are delivered as they would be to a real provider instead of being retried until the offer closes.
 * It takes a transaction, or a BaRS message at {@code $process-message}, logs what it would act on (each Task with
 * its status; each message's MessageDefinition), stores nothing, and answers as a FHIR server or a BaRS receiver
 * does. Outside the demo (and dev) profile it answers 404 exactly as a path that does not exist.
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
        FhirFormat format = FhirFormat.ofBody(contentType);
        Bundle transaction;
        try {
            transaction = bundle(format, body, Bundle.BundleType.TRANSACTION);
        } catch (Refused refused) {
            return refused.response;
        }
        Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        for (Bundle.BundleEntryComponent entry : transaction.getEntry()) {
            Resource resource = entry.getResource();
            if (resource instanceof Task task) {
                LOG.infof("Demo provider %s received %s %s: Task %s", organisation, entry.getRequest().getMethod(),
                        entry.getRequest().hasIfNoneExist() ? entry.getRequest().getIfNoneExist()
                                : entry.getRequest().getUrl(),
                        task.getStatus().toCode() + (task.hasStatusReason()
                                ? " (" + task.getStatusReason().getCodingFirstRep().getCode() + ")"
                                : ""));
            }
            response.addEntry().getResponse().setStatus("200 OK");
        }
        return Response.ok(format.encode(fhir, response, false), format.mediaType()).build();
    }

    /**
     * A demo provider's BaRS receiver: a validation request or its cancellation is acknowledged with 200 and the
     * message, as a BaRS receiver's synchronous answer is. The demo's providers answer offers through the hub's
     * Task API (the board, or the README's examples), not with BaRS responses.
     */
    @POST
    @Path("/{operation: \\$process-message|%24process-message}")
    @Operation(summary = "Demo profile only: a demo provider's BaRS receiver, acknowledging the hub's messages")
    public Response processMessage(@PathParam("organisation") String organisation,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, String body) {
        FhirFormat format = FhirFormat.ofBody(contentType);
        Bundle message;
        try {
            message = bundle(format, body, Bundle.BundleType.MESSAGE);
        } catch (Refused refused) {
            return refused.response;
        }
        if (!(message.getEntryFirstRep().getResource() instanceof MessageHeader header)) {
            return OperationOutcomes.response(fhir, format, 400, IssueType.STRUCTURE, "INVALID_RESOURCE",
                    "A message Bundle starts with its MessageHeader").build();
        }
        LOG.infof("Demo provider %s received BaRS message %s: %s", organisation, message.getIdElement().getIdPart(),
                header.getDefinition());
        return Response.ok(format.encode(fhir, message, false), format.mediaType()).build();
    }

    private Bundle bundle(FhirFormat format, String body, Bundle.BundleType type) throws Refused {
        if (!demoProfile) {
            throw new NotFoundException();
        }
        Bundle bundle;
        try {
            bundle = format.parser(fhir).parseResource(Bundle.class, body);
        } catch (DataFormatException | ClassCastException e) {
            throw new Refused(OperationOutcomes.response(fhir, format, 400, IssueType.STRUCTURE, "INVALID_RESOURCE",
                    "The body is not a FHIR Bundle: " + e.getMessage()).build());
        }
        if (bundle.getType() != type) {
            throw new Refused(OperationOutcomes.response(fhir, format, 400, IssueType.INVALID, "INVALID_RESOURCE",
                    "Only " + type.toCode() + " Bundles are taken here").build());
        }
        return bundle;
    }

    /** A refusal already made into its answer. */
    private static final class Refused extends Exception {
        private final transient Response response;

        Refused(Response response) {
            super(null, null, false, false);
            this.response = response;
        }
    }
}
