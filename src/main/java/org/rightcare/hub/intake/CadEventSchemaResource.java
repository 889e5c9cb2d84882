package org.rightcare.hub.intake;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code GET /cad/v1/schema/cad-event.schema.json}: the JSON Schema of contract v1, at a URL that stays put for as
 * long as v1 is served, so CAD vendors can validate their payloads before they send them.
 */
@Path("/cad/v1/schema/cad-event.schema.json")
public class CadEventSchemaResource {

    static final String RESOURCE = "/cad/cad-event-v1.schema.json";

    private final byte[] schema;

    public CadEventSchemaResource() {
        try (InputStream in = CadEventSchemaResource.class.getResourceAsStream(RESOURCE)) {
            this.schema = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("The CAD event schema is packaged with the hub", e);
        }
    }

    @GET
    @Operation(summary = "JSON Schema of the CAD event (contract v1)")
    public Response schema() {
        CacheControl cache = new CacheControl();
        cache.setMaxAge(3600);
        return Response.ok(schema, "application/schema+json").cacheControl(cache).build();
    }
}
