package org.rightcare.hub.subscriptions;

import java.net.URI;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.hl7.fhir.r4.model.Basic;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.MarkdownType;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;
import org.rightcare.hub.fhir.FhirFormat;
import org.rightcare.hub.fhirapi.FhirHttp;
import org.rightcare.hub.fhirapi.FhirRefusal;
import org.rightcare.hub.support.PublicUrls;

import io.quarkus.security.Authenticated;

/**
 * {@code /fhir/Basic/{topic}}: the hub's subscription topics, as R4 has them (a Basic resource carrying the R5
 * SubscriptionTopic's elements as cross-version extensions, the way the Backport IG publishes its own R4 topics):
 * canonical URL, title, status, description, the filter each topic declares and the focus of its notifications.
 */
@Path("/fhir/Basic")
@Authenticated
public class SubscriptionTopicResource {

    private static final String TOPIC = "http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic";

    private final FhirHttp http;
    private final PublicUrls urls;

    public SubscriptionTopicResource(FhirHttp http, PublicUrls urls) {
        this.http = http;
        this.urls = urls;
    }

    @GET
    @Path("/{id}")
    @Operation(hidden = true)
    public Response read(@PathParam("id") String id, @QueryParam("_format") String format,
            @QueryParam("_pretty") boolean pretty, @Context HttpHeaders headers, @Context UriInfo uriInfo) {
        FhirFormat chosen = http.format(format, headers);
        SubscriptionTopic topic = SubscriptionTopic.fromCode(id).orElseThrow(() -> FhirRefusal.notFound("Basic", id));
        return http.answer(200, chosen, render(topic, urls.fhirBase(uriInfo)), pretty).build();
    }

    static Basic render(SubscriptionTopic topic, URI fhirBase) {
        Basic basic = new Basic();
        basic.setId(topic.code());
        basic.setCode(new CodeableConcept(new Coding("http://hl7.org/fhir/fhir-types", "SubscriptionTopic",
                "SubscriptionTopic")));
        basic.addExtension(TOPIC + ".url", new UriType(topic.canonical(fhirBase)));
        basic.addExtension(TOPIC + ".title", new StringType(topic.code()));
        basic.addExtension(TOPIC + ".status", new CodeType("active"));
        basic.addExtension(TOPIC + ".description", new MarkdownType(topic.description()));
        Extension filter = basic.addExtension().setUrl(TOPIC + ".canFilterBy");
        filter.addExtension("description", new MarkdownType("One of the subscriber's own services"));
        filter.addExtension("resource", new UriType(topic.focusType()));
        filter.addExtension("filterParameter", new StringType(SubscriptionTopic.FILTER_PARAMETER));
        basic.addExtension().setUrl(TOPIC + ".notificationShape")
                .addExtension("resource", new UriType(topic.focusType()));
        return basic;
    }
}
