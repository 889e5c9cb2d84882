package org.rightcare.hub.cad;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The configured CAD systems, and which of them signed a request. The signature is checked before the body is
 * parsed, so the signer is found by trying each system's secrets: a hub serves a handful of CADs, and an HMAC costs
 * about a microsecond.
 */
@ApplicationScoped
public class CadSystemRegistry {

    private final Map<String, CadConfig.CadSystem> systems;
    private final boolean allowInsecureCallbacks;

    public CadSystemRegistry(CadConfig config) {
        this.systems = Map.copyOf(config.systems());
        this.allowInsecureCallbacks = config.allowInsecureCallbacks();
    }

    /** The id of the CAD system whose current or previous secret produced one of the header's signatures. */
    public Optional<String> signerOf(WebhookSignature.Parsed signature, byte[] body) {
        for (Map.Entry<String, CadConfig.CadSystem> entry : systems.entrySet()) {
            for (String secret : secretsOf(entry.getValue())) {
                if (WebhookSignature.matches(signature, secret, body)) {
                    return Optional.of(entry.getKey());
                }
            }
        }
        return Optional.empty();
    }

    public boolean isKnown(String cadSystem) {
        return systems.containsKey(cadSystem);
    }

    /** The secret the hub signs its callbacks to this CAD with. */
    public String signingSecret(String cadSystem) {
        return system(cadSystem).secret();
    }

    public Optional<URI> defaultCallbackUrl(String cadSystem) {
        return system(cadSystem).callbackUrl();
    }

    /** https only, unless a development profile allows plain http. */
    public boolean isAcceptableCallbackUrl(URI url) {
        if (url.getHost() == null) {
            return false;
        }
        String scheme = url.getScheme();
        return "https".equalsIgnoreCase(scheme) || (allowInsecureCallbacks && "http".equalsIgnoreCase(scheme));
    }

    private CadConfig.CadSystem system(String cadSystem) {
        CadConfig.CadSystem system = systems.get(cadSystem);
        if (system == null) {
            throw new IllegalArgumentException("Unknown CAD system " + cadSystem);
        }
        return system;
    }

    private static List<String> secretsOf(CadConfig.CadSystem system) {
        List<String> secrets = new ArrayList<>();
        secrets.add(system.secret());
        system.previousSecrets().ifPresent(secrets::addAll);
        return secrets;
    }
}
