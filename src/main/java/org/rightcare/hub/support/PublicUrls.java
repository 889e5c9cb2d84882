package org.rightcare.hub.support;

import java.net.URI;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Absolute URLs the hub hands out (the ServiceRequest link in a webhook answer, FHIR fullUrls). Behind a proxy or
 * ingress, set {@code hub.public-base-url}; otherwise the URL the request came in on is used.
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
}
