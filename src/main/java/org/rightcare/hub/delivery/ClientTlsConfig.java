package org.rightcare.hub.delivery;

import java.util.List;
import java.util.Map;

import io.smallrye.config.ConfigMapping;

/**
 * Mutual TLS to receivers that demand it (BaRS receivers must): which of the Quarkus TLS registry's named
 * configurations ({@code quarkus.tls.<name>.key-store.*}: the hub's client certificate for that receiver or
 * organisation, from a mounted secret; {@code quarkus.tls.<name>.trust-store.*}: the receiver's CA) the outbox uses
 * for which endpoints. For example:
 *
 * <pre>
 * hub.client-tls.endpoints.wealdshire-community=https://bars.wealdshire.example.nhs.uk/,https://fhir.wealdshire.example.nhs.uk/
 * quarkus.tls.wealdshire-community.key-store.pem.0.cert=/secrets/mtls/wealdshire-community/tls.crt
 * quarkus.tls.wealdshire-community.key-store.pem.0.key=/secrets/mtls/wealdshire-community/tls.key
 * quarkus.tls.wealdshire-community.trust-store.pem.certs=/secrets/mtls/wealdshire-community/ca.crt
 * </pre>
 *
 * An endpoint URL takes the configuration of the longest prefix it starts with; an endpoint no prefix covers is
 * called with the JVM's default trust and no client certificate.
 */
@ConfigMapping(prefix = "hub.client-tls")
public interface ClientTlsConfig {

    /** Per TLS configuration name, the endpoint URL prefixes it is used for. */
    Map<String, List<String>> endpoints();
}
