package org.rightcare.hub.fhirapi;

import java.net.URI;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.rightcare.hub.fhir.HubTerminology;
import org.rightcare.hub.support.PublicUrls;

import io.quarkus.security.Authenticated;

/**
 * The hub's own CodeSystems and ValueSets ({@link HubTerminology}) at {@code /fhir/CodeSystem} and
 * {@code /fhir/ValueSet}: read by id, and searched by {@code url} (with an optional {@code |version}), so a provider
 * or a validator can resolve every code the hub writes. Any caller with a token may read them, as every interaction
 * of the FHIR API needs one; they hold no patient data, so they are not audited. The same resources are files in
 * {@code fhir-profiles/} for those who validate without calling the hub.
 */
@ApplicationScoped
public class FhirTerminology implements CapabilityContributor {

    static final List<String> TYPES = List.of("CodeSystem", "ValueSet");
    private static final Set<String> SEARCH_PARAMETERS = Set.of("url", "_format", "_pretty");

    private final FhirHttp http;
    private final PublicUrls urls;

    public FhirTerminology(FhirHttp http, PublicUrls urls) {
        this.http = http;
        this.urls = urls;
    }

    @Override
    public void contribute(CapabilityStatement statement, CapabilityStatementRestComponent rest, URI fhirBase) {
        for (String type : TYPES) {
            CapabilityStatementRestResourceComponent resource = rest.addResource().setType(type)
                    .setDocumentation("The hub's own " + type + "s (" + HubTerminology.CODE_SYSTEM_BASE.replace(
                            "CodeSystem/", type + "/") + "...): read, or search by url; any role.");
            resource.addInteraction().setCode(TypeRestfulInteraction.READ);
            resource.addInteraction().setCode(TypeRestfulInteraction.SEARCHTYPE);
            resource.addSearchParam().setName("url").setType(SearchParamType.URI)
                    .setDocumentation("The canonical URL, optionally with |version");
        }
    }

    Response read(String type, String id, String format, boolean pretty, HttpHeaders headers) {
        MetadataResource resource = HubTerminology.read(type, id)
                .orElseThrow(() -> FhirRefusal.notFound(type, id));
        return http.answer(200, http.format(format, headers), resource, pretty).build();
    }

    Response search(String type, String url, String format, boolean pretty, HttpHeaders headers, UriInfo uriInfo) {
        for (String parameter : uriInfo.getQueryParameters().keySet()) {
            if (!SEARCH_PARAMETERS.contains(parameter) && !Prefer.of(headers).lenient()) {
                throw new FhirRefusal(400, IssueType.NOTSUPPORTED, "UNKNOWN_SEARCH_PARAMETER",
                        "Search parameter " + parameter + " is not supported for " + type + "; use url");
            }
        }
        String base = PublicUrls.withoutTrailingSlash(urls.fhirBase(uriInfo));
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        bundle.addLink().setRelation("self").setUrl(uriInfo.getRequestUri().toString());
        for (MetadataResource resource : HubTerminology.all(type)) {
            if (url == null || matches(resource, url)) {
                bundle.addEntry().setFullUrl(base + "/" + type + "/" + resource.getIdElement().getIdPart())
                        .setResource(resource).getSearch().setMode(Bundle.SearchEntryMode.MATCH);
            }
        }
        bundle.setTotal(bundle.getEntry().size());
        return http.answer(200, http.format(format, headers), bundle, pretty).build();
    }

    /** A canonical search: the url, or url|version. */
    private static boolean matches(MetadataResource resource, String canonical) {
        int bar = canonical.indexOf('|');
        String url = bar < 0 ? canonical : canonical.substring(0, bar);
        return resource.getUrl().equals(url) && (bar < 0 || resource.getVersion().equals(canonical.substring(bar + 1)));
    }

    /** {@code /fhir/CodeSystem}. */
    @Path("/fhir/CodeSystem")
    @Authenticated
    public static class CodeSystems {
        private final FhirTerminology terminology;

        public CodeSystems(FhirTerminology terminology) {
            this.terminology = terminology;
        }

        @GET
        @Operation(hidden = true)
        public Response search(@QueryParam("url") String url, @QueryParam("_format") String format,
                @QueryParam("_pretty") boolean pretty, @Context HttpHeaders headers, @Context UriInfo uriInfo) {
            return terminology.search("CodeSystem", url, format, pretty, headers, uriInfo);
        }

        @GET
        @Path("/{id}")
        @Operation(hidden = true)
        public Response read(@PathParam("id") String id, @QueryParam("_format") String format,
                @QueryParam("_pretty") boolean pretty, @Context HttpHeaders headers) {
            return terminology.read("CodeSystem", id, format, pretty, headers);
        }
    }

    /** {@code /fhir/ValueSet}. */
    @Path("/fhir/ValueSet")
    @Authenticated
    public static class ValueSets {
        private final FhirTerminology terminology;

        public ValueSets(FhirTerminology terminology) {
            this.terminology = terminology;
        }

        @GET
        @Operation(hidden = true)
        public Response search(@QueryParam("url") String url, @QueryParam("_format") String format,
                @QueryParam("_pretty") boolean pretty, @Context HttpHeaders headers, @Context UriInfo uriInfo) {
            return terminology.search("ValueSet", url, format, pretty, headers, uriInfo);
        }

        @GET
        @Path("/{id}")
        @Operation(hidden = true)
        public Response read(@PathParam("id") String id, @QueryParam("_format") String format,
                @QueryParam("_pretty") boolean pretty, @Context HttpHeaders headers) {
            return terminology.read("ValueSet", id, format, pretty, headers);
        }
    }
}
