package org.rightcare.hub.support;

import java.net.URI;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Absolute URLs the hub hands out (the ServiceRequest link in a webhook answer or a CAD callback, FHIR fullUrls).
 * Behind a proxy or ingress, set {@code hub.public-base-url}. Answers to a request fall back on the URL the request
 * came in on if it is blank; work done in the background (callbacks) has no request and needs it set.
 */
@ApplicationScoped
public class PublicUrls {

    private final Optional<URI> publicBaseUrl;

    public PublicUrls(@ConfigProperty(name = "hub.public-base-url") Optional<URI> publicBaseUrl) {
        this.publicBaseUrl = publicBaseUrl.map(u -> u.toString().endsWith("/") ? u : URI.create(u + "/"));
    }

    /** The FHIR base, ending in {@code /fhir/}. */
    public URI fhirBase(UriInfo request) {
        return publicBaseUrl.orElseGet(request::getBaseUri).resolve("fhir/");
    }

    /** A FHIR base as FHIR writes it in links, fullUrls and canonicals: without the trailing slash. */
    public static String withoutTrailingSlash(URI fhirBase) {
        String text = fhirBase.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    /** The FHIR base for work outside a request (callbacks), ending in {@code /fhir/}. */
    public URI fhirBase() {
        return publicBaseUrl.orElseThrow(() -> new IllegalStateException(
                "hub.public-base-url is blank: links in callbacks need the hub's external URL")).resolve("fhir/");
    }
}
