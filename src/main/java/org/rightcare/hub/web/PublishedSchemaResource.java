package org.rightcare.hub.web;

import java.nio.charset.StandardCharsets;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.rightcare.hub.support.DocumentSchema;

/**
 * The JSON Schemas (2020-12) of the documents the hub reads, and of the callback it sends to CADs, at URLs that stay
 * put for as long as their version is served: CAD vendors validate their events against the first before they send
 * them, and the hub's callbacks against the second (the hub's tests check every callback with it); ICB engineers point
 * their editors at the directory and routing policy schemas (a {@code # yaml-language-server: $schema=...} line) for
 * completion and checking as they type. The hub reads each document with the very same schema
 * ({@link DocumentSchema}).
 */
@Path("/")
public class PublishedSchemaResource {

    static final String CAD_EVENT = "/cad/cad-event-v1.schema.json";
    static final String CAD_CALLBACK = "/cad/cad-callback-v1.schema.json";
    static final String DIRECTORY = "/directory/directory-v1.schema.json";
    static final String ROUTING_POLICY = "/routing/routing-policy-v1.schema.json";

    private final byte[] cadEvent = DocumentSchema.read(CAD_EVENT).getBytes(StandardCharsets.UTF_8);
    private final byte[] cadCallback = DocumentSchema.read(CAD_CALLBACK).getBytes(StandardCharsets.UTF_8);
    private final byte[] directory = DocumentSchema.read(DIRECTORY).getBytes(StandardCharsets.UTF_8);
    private final byte[] routingPolicy = DocumentSchema.read(ROUTING_POLICY).getBytes(StandardCharsets.UTF_8);

    @GET
    @Path("cad/v1/schema/cad-event.schema.json")
    @Operation(summary = "JSON Schema of the CAD event (contract v1)")
    public Response cadEvent() {
        return schema(cadEvent);
    }

    @GET
    @Path("cad/v1/schema/cad-callback.schema.json")
    @Operation(summary = "JSON Schema of the callback the hub posts to a CAD (contract v1)")
    public Response cadCallback() {
        return schema(cadCallback);
    }

    @GET
    @Path("directory/v1/schema/directory.schema.json")
    @Operation(summary = "JSON Schema of the service directory file; #/$defs/service is one admin API entry")
    public Response directory() {
        return schema(directory);
    }

    @GET
    @Path("routing/v1/schema/routing-policy.schema.json")
    @Operation(summary = "JSON Schema of the routing policy file")
    public Response routingPolicy() {
        return schema(routingPolicy);
    }

    private static Response schema(byte[] schema) {
        CacheControl cache = new CacheControl();
        cache.setMaxAge(3600);
        return Response.ok(schema, "application/schema+json").cacheControl(cache).build();
    }
}
